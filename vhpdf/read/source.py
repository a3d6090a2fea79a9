"""Where a request's values were read: the form fields, the page text, or text recognition."""

from __future__ import annotations

import enum


class ValueSource(enum.StrEnum):
    """Where a request's values were read; the values are the data contract's words."""

    FELD = "feld"  # the form fields
    SEITENTEXT = "seitentext"  # the page text of a printed or flattened copy
    OCR = "ocr"  # text recognition of a scan

    @property
    def label(self) -> str:
        return {"feld": "Formularfelder", "seitentext": "Seitentext (Kopie ohne Formularfelder)",
                "ocr": "Texterkennung (Scan)"}[self.value]

    @property
    def short(self) -> str:
        return {"feld": "Felder", "seitentext": "Seitentext", "ocr": "Scan"}[self.value]
