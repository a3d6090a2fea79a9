"""Why a file cannot be read as a request: the error classes and their kinds (German messages).

Every way a received file can fail ends in an ExtractError subclass whose message names the
problem in German but never a field value. Each class carries an ErrorKind, the typed contract
that batch runs, version grouping and reports use instead of class names.
"""

from __future__ import annotations

import enum
from typing import ClassVar


class ErrorKind(enum.StrEnum):
    """Why an input is unreadable; the values are stable identifiers for programs."""

    NOT_REGULAR_FILE = "keine-datei"
    NOT_PDF = "keine-pdf"
    ENCRYPTED = "verschluesselt"
    DAMAGED = "beschaedigt"
    TRUNCATED = "abgeschnitten"
    GLUED = "aneinandergehaengt"
    LIMIT = "sicherheitsgrenze"
    NO_FORM = "kein-formular"
    XFA = "xfa"
    FOREIGN_FORM = "fremdes-formular"
    CONFLICT = "widerspruch"
    SOURCE = "quelle"  # a mail or mailbox that cannot be read, a mail without PDF
    SKIPPED = "uebersprungen"  # a file in a folder that is neither a PDF nor a mail: listed, not checked
    MEMORY = "speicher"
    TIMEOUT = "zeitlimit"
    CRASH = "absturz"
    INTERNAL = "intern"

    @property
    def damaged(self) -> bool:
        """Whether the input could not be read at all, so it may be a request or an annex."""
        return self in (ErrorKind.DAMAGED, ErrorKind.TRUNCATED, ErrorKind.GLUED, ErrorKind.LIMIT,
                        ErrorKind.MEMORY, ErrorKind.TIMEOUT, ErrorKind.CRASH, ErrorKind.INTERNAL)

    @property
    def not_a_form(self) -> bool:
        """Whether the input is no form at all (e.g. the court order sent beside a request)."""
        return self in (ErrorKind.NOT_PDF, ErrorKind.NO_FORM, ErrorKind.XFA, ErrorKind.FOREIGN_FORM)


class ExtractError(Exception):
    """The file cannot be read as a Vollzugshilfeersuchen; the message is German."""

    kind: ClassVar[ErrorKind] = ErrorKind.DAMAGED


class NotRegularFileError(ExtractError):
    """Missing, a folder, a FIFO, a device, unreadable, or too large."""
    kind = ErrorKind.NOT_REGULAR_FILE


class NotPdfError(ExtractError):
    kind = ErrorKind.NOT_PDF


class EncryptedError(ExtractError):
    kind = ErrorKind.ENCRYPTED


class DamagedError(ExtractError):
    kind = ErrorKind.DAMAGED


class TruncatedError(DamagedError):
    kind = ErrorKind.TRUNCATED


class GluedError(DamagedError):
    kind = ErrorKind.GLUED


class LimitError(DamagedError):
    """A safety limit was reached: decompression bomb, nesting, loops, field count."""
    kind = ErrorKind.LIMIT


class NoFormError(ExtractError):
    kind = ErrorKind.NO_FORM


class XfaError(NoFormError):
    kind = ErrorKind.XFA


class ForeignFormError(ExtractError):
    kind = ErrorKind.FOREIGN_FORM


class ConflictError(ExtractError):
    """The same field name carries different values: which one counts is not decidable."""
    kind = ErrorKind.CONFLICT
