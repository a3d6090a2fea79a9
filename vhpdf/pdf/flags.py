"""Flag bits of the PDF specification used here, defined once (ISO 32000-1, 12.5.3 and 12.7)."""

from __future__ import annotations

import enum


class FieldFlag(enum.IntFlag):
    """Bits of a form field's /Ff entry."""

    READ_ONLY = 1 << 0
    REQUIRED = 1 << 1
    MULTILINE = 1 << 12
    NO_TOGGLE_TO_OFF = 1 << 14
    RADIO = 1 << 15
    PUSHBUTTON = 1 << 16
    COMBO = 1 << 17


class AnnotationFlag(enum.IntFlag):
    """Bits of an annotation's (a widget's) /F entry."""

    HIDDEN = 1 << 1
    PRINT = 1 << 2


def field_flags(value: object) -> FieldFlag:
    """A field's /Ff as flags; junk (a name, a negative or huge number) counts as no flags."""
    try:
        return FieldFlag(int(value or 0) & 0x3FFFFFF)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return FieldFlag(0)


def annotation_flags(value: object) -> AnnotationFlag:
    try:
        return AnnotationFlag(int(value or 0) & 0x3FF)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return AnnotationFlag(0)
