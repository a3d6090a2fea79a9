"""Where a request's values were read: the form fields, the page text, or text recognition."""

from __future__ import annotations

import enum

from vhpdf.form.messages import text


class ValueSource(enum.StrEnum):
    """Where a request's values were read; the values are the data contract's words."""

    FELD = "feld"  # the form fields
    SEITENTEXT = "seitentext"  # the page text of a printed or flattened copy
    OCR = "ocr"  # text recognition of a scan

    @property
    def label(self) -> str:
        return text({"feld": "lesen.quelle_feld", "seitentext": "lesen.quelle_seitentext",
                     "ocr": "lesen.quelle_ocr"}[self.value])

    @property
    def short(self) -> str:
        return text({"feld": "lesen.quelle_feld_kurz", "seitentext": "lesen.quelle_seitentext_kurz",
                     "ocr": "lesen.quelle_ocr_kurz"}[self.value])
