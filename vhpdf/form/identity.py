"""How a PDF names its form: the metadata keys and the printed footer, written and parsed here.

The footer names form id, version and page on every page, so a printed or scanned copy can be
recognised without fields; generation writes `footer_text`/`page_text` and the page readers
parse them with `parse_footer`, so the format is defined once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vhpdf.form.definition import FormDefinition

INFO_FORM_ID, INFO_FORM_VERSION = "/VhpdfFormId", "/VhpdfFormVersion"

# The parse patterns follow the two strings below, and tolerate what printing and OCR do to
# them: another separator than "·", a decimal comma, extra or missing spaces.
_FOOTER = re.compile(r"Formular\s+(\S+)\s*\S?\s*Version\s+(\d+[.,]\d+)")
_PAGE_NO = re.compile(r"Seite\s+(\d+)\s+von\s+(\d+)")


def footer_text(form: FormDefinition) -> str:
    """The footer printed on every page; it names form id and version even on paper."""
    return f"{form.title} · Formular {form.id} · Version {form.version}"


def page_text(page: int, pages: int) -> str:
    """The page number printed at the foot of page `page` (1-based) of `pages`."""
    return f"Seite {page} von {pages}"


@dataclass
class PageInfo:
    """What a page's footer says; None where it could not be read."""

    form_id: str | None = None
    version: str | None = None
    page_no: int | None = None
    pages: int | None = None


def parse_footer(text: str) -> PageInfo:
    """Form id, version and page number from a footer's text (as printed, or read by OCR)."""
    info = PageInfo()
    if m := _FOOTER.search(text):
        info.form_id, info.version = m.group(1), m.group(2).replace(",", ".")
    if m := _PAGE_NO.search(text):
        info.page_no, info.pages = int(m.group(1)), int(m.group(2))
    return info
