"""The few private pypdf calls vhpdf needs, in one place, so that a pypdf upgrade breaks here.

pypdf keeps its encoding tables and the standard-font metrics in `pypdf._codecs` and adds
objects to a writer only through `PdfWriter._add_object`; neither has a public equivalent in
pypdf 7. setup.cfg bounds pypdf below the next major version, and CI tests the bound's minimum.
"""

from __future__ import annotations

from typing import Any


def add_object(writer: Any, obj: Any) -> Any:
    """Add `obj` to `writer` as an indirect object and return its reference."""
    return writer._add_object(obj)


def adder(writer: Any):
    """`add_object` bound to one writer, for functions that take an `add` callable."""
    return writer._add_object


def pdfdoc_table() -> list[str] | None:
    """PDFDocEncoding as a 256-entry list ("\\x00" where undefined), or None if pypdf lacks it."""
    try:
        from pypdf._codecs.pdfdoc import _pdfdoc_encoding
    except ImportError:
        return None
    return list(_pdfdoc_encoding)


def core_font_metrics() -> dict[str, Any]:
    """pypdf's metrics of the 14 standard fonts, by PostScript name."""
    from pypdf._codecs.core_font_metrics import CORE_FONT_METRICS

    return CORE_FONT_METRICS


def simple_encodings() -> tuple[dict[str, Any], dict[str, Any]]:
    """(adobe glyph names -> text, base encodings by name) for simple fonts."""
    from pypdf._codecs import adobe_glyphs, charset_encoding

    return adobe_glyphs, charset_encoding
