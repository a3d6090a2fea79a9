"""Copies without field values: which pages show the form, and their values read page by page.

Text pages are read from their page text (pagetext), image pages and pages whose text became
outlines by OCR (ocr, imported only when such a page turns up). Form id, version and page count
come from the printed footer; the person-block count from the pages and the block titles seen.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass

from vhpdf.form.definition import FieldType, FormDefinition, Value
from vhpdf.form.identity import PageInfo, parse_footer
from vhpdf.form.layout import compute_layout
from vhpdf.form.messages import text
from vhpdf.read.errors import DamagedError, ExtractError, LimitError
from vhpdf.read.paper.pagetext import (
    Decoding,
    NotReadableError,
    normalise,
    read_text_pages,
    values_from_page,
)
from vhpdf.read.source import ValueSource

__all__ = ["PageRead", "NotReadableError", "read_pages"]


@dataclass
class PageRead:
    """Values read from the pages of one PDF, with per-value source and doubts."""

    form_id: str | None
    form_version: str | None
    persons: int
    values: dict[str, Value]
    sources: dict[str, ValueSource]
    uncertain: list[str]
    notes: list[str]


def choose_persons(form: FormDefinition, pages: int, titles_found: set[int]) -> int:
    """The person-block count: layout with `pages` pages whose block titles were seen."""
    candidates = [p for p in range(1, form.repeat.max + 1)
                  if compute_layout(form, p).pages == pages]
    seen = max(titles_found, default=0)
    fitting = [p for p in candidates if p >= seen]
    if fitting:
        return fitting[0]
    return max(seen, form.repeat.default)



def person_titles(form: FormDefinition, all_lines: list) -> set[int]:
    pattern = re.compile(re.escape(form.repeat.title).replace(r"\{n\}", r"(\d+)") + "$")
    return {int(m.group(1)) for lines in all_lines for ln in lines
            if (m := pattern.match(normalise(ln["text"])))}


@dataclass
class _Found:
    """Which pages of a copy show the form, and what their footers and text lines say."""

    infos: list[PageInfo]  # per page, from the page text
    all_lines: list  # text lines per page
    text_pages: list[int]
    image_pages: list[int]
    ocr_pages: dict  # page index -> ocr.OcrPage
    info_of: dict[int, PageInfo]  # pages known to show the form


def search_pages(form: FormDefinition) -> int:
    """How many leading pages may show the form: its longest layout and a cover sheet or two.

    A copy of the form starts within them; later pages (a 200-page court order sent as a PDF of
    its own) are never parsed, which bounds time and memory for any annex.
    """
    return compute_layout(form, form.repeat.max).pages + 2


SNIFF_PAGES = 30  # pages whose text is sniffed for the form's footer (a request behind a cover letter)


def read_pages(data: bytes, form: FormDefinition) -> PageRead | None:
    """Read a copy without field values from its pages; None if no page shows the form's footer.

    Pages with text are read from the text (source `seitentext`); pages without text are
    image pages and go to OCR (source `ocr`), imported only when needed. Only the first
    `search_pages` pages are opened. When they do not show the form, the text of the first
    SNIFF_PAGES pages is sniffed for its footer (plain text, cheap), and the pages from the first
    footer on are read (a request behind a cover letter); NotReadableError says that the form
    was not found on the pages searched, when the document has more. A failure of the page
    readers becomes a DamagedError or LimitError with a German cause; a MemoryError inside them
    stays a MemoryError.
    """
    try:
        found = _read_pages(data, form)
        if found is not None:
            return found
        doc = open_for_sniff(data)
        try:
            start, total = footer_start(doc, form)
            copy = _pages_from(doc, start, search_pages(form)) if start else None
        finally:
            if doc is not None:
                doc.close()
        if start and copy:
            found = _read_pages(copy, form)
            if found is not None:
                found.notes.insert(0, text("lesen.ersuchen_ab_seite", seite=start + 1))
                return found
        if total > SNIFF_PAGES:
            raise NotReadableError(text("lesen.fuss_nicht_auf_ersten", seiten=SNIFF_PAGES, gesamt=total))
        return None
    except (ExtractError, NotReadableError):
        raise
    except Exception as exc:  # noqa: BLE001 - the page readers fail in many ways on bad files
        raise page_error(exc) from None


def open_for_sniff(data: bytes):
    """The PDFium document for the footer sniff, or None where PDFium cannot open the file."""
    from vhpdf.read.paper.pdfium import open_document

    try:
        return open_document(data)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # noqa: BLE001 - the sniff is a second look: its failure keeps the first verdict
        return None


def footer_start(doc, form: FormDefinition) -> tuple[int | None, int]:
    """The first of the first SNIFF_PAGES pages whose text shows this form's footer (None: none),
    and the page count. PDFium's plain text of a page costs a millisecond or two, without the
    glyph records; a page it cannot load is taken as not showing the footer."""
    if doc is None:
        return None, 0
    total = len(doc)
    for i in range(min(total, SNIFF_PAGES)):
        try:
            info = parse_footer(" ".join(_page_text(doc, i).split()))
        except (MemoryError, RecursionError):
            raise
        except Exception:  # noqa: BLE001, S112 - a damaged page of a cover letter or annex
            continue
        if info.form_id == form.id:
            return i, total
    return None, total


def _page_text(doc, index: int) -> str:
    page = doc[index]
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()


def _pages_from(doc, start: int, count: int) -> bytes:
    """A PDF of `count` pages from page index `start` on (the form behind a cover letter)."""
    import io

    import pypdfium2 as pdfium

    copy = pdfium.PdfDocument.new()
    try:
        copy.import_pages(doc, pages=list(range(start, min(start + count, len(doc)))))
        out = io.BytesIO()
        copy.save(out)
    finally:
        copy.close()
    return out.getvalue()


def _causes(exc: BaseException):
    """The exception and what it wraps (its cause, context and exception arguments)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 20:
        e = todo.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__] + [a for a in e.args if isinstance(a, BaseException)]
    return seen


# PDFium's load errors (FPDF_ERR_*) -> the cause named to the user
_PDFIUM_CAUSES = {2: "lesen.ursache_ende",  # FILE: the data could not be read through
                  3: "lesen.ursache_syntax",  # FORMAT: not a PDF or damaged
                  4: "lesen.ursache_unbekannt",  # PASSWORD: encrypted beyond what was opened
                  5: "lesen.ursache_unbekannt",  # SECURITY: an unsupported security handler
                  6: "lesen.ursache_aufbau"}  # PAGE: a page that cannot be loaded


def page_error(exc: Exception) -> ExtractError:
    """The German verdict for an exception of the page readers; re-raises a wrapped MemoryError."""
    from pypdfium2 import PdfiumError

    from vhpdf.read.paper.pdfium import PageSizeError

    causes = _causes(exc)

    def some(*kinds: type) -> bool:
        return any(isinstance(c, kinds) for c in causes)

    if some(MemoryError):
        raise MemoryError from None  # the worker is replaced and the file reported as too large
    if some(RecursionError):
        return LimitError(text("lesen.zu_tief"))
    if some(PageSizeError):
        cause = "lesen.ursache_mediabox"
    elif some(PdfiumError):
        code = next(c.err_code for c in causes if isinstance(c, PdfiumError))
        cause = _PDFIUM_CAUSES.get(code or 0, "lesen.ursache_aufbau")
    else:
        cause = "lesen.ursache_aufbau"
    return DamagedError(text("lesen.seiten_beschaedigt", fehler=text(cause)))


def _open(data: bytes, form: FormDefinition):
    """The document and its first `search_pages` pages (each loaded when first used)."""
    from vhpdf.read.paper import pdfium

    doc = pdfium.open_document(data)
    return doc, pdfium.pages(doc, data, search_pages(form))


def _read_pages(data: bytes, form: FormDefinition) -> PageRead | None:
    pdf, pdf_pages = _open(data, form)
    try:
        found = _find_form_pages(pdf_pages, data, form)
        if found is None:
            tried = [p for p in pdf_pages if p.tried]
            if tried and all(p.error for p in tried):  # not a page could be loaded: damage
                raise tried[0].error
            return None
        known = list(found.info_of)
        first = found.info_of[known[0]]
        pages: int = next((p for i in known if (p := found.info_of[i].pages)), len(pdf_pages))
        persons = _person_count(form, pages, found)
        layout = compute_layout(form, persons)
        values: dict[str, Value] = {f.name: None for f in form.fields(persons)}
        sources: dict[str, ValueSource] = {}
        uncertain: list[str] = []
        notes: list[str] = []
        decoding = Decoding()
        seen_pages = _read_values(pdf_pages, form, layout, found, decoding, values, sources, uncertain, notes)
    finally:
        for page in pdf_pages:
            page.close()
        pdf.close()
    notes += _doubts(form, persons, decoding, values, sources, uncertain)
    missing = [p + 1 for p in range(layout.pages) if p not in seen_pages]
    if missing:
        notes.append(text("lesen.seiten_fehlen", seiten=", ".join(map(str, missing)), anzahl=layout.pages))
    for name, f in form.field_map(persons).items():
        if f.type in (FieldType.CHECKBOX, FieldType.SIGNATURE):
            values[name] = bool(values.get(name))
    return PageRead(first.form_id, first.version, persons, values, sources, uncertain,
                    list(dict.fromkeys(notes)))


def _find_form_pages(pages: list, data: bytes, form: FormDefinition) -> _Found | None:
    """The pages that show the form: text pages by their footer, image pages by OCR."""
    with collector_paused():
        infos, all_lines, image_like = read_text_pages(pages, form)
    text_pages = [i for i, info in enumerate(infos) if info.form_id]
    image_pages = [i for i in image_like if i not in text_pages]
    if not text_pages and not image_pages:
        return None
    ocr_pages = {}
    if image_pages:
        from vhpdf.read.paper.ocr import ocr_pages as run_ocr

        ocr_pages = run_ocr(data, image_pages, form, probe=not text_pages)
        image_pages = [i for i in image_pages if i in ocr_pages]
    known = list(text_pages) + [i for i in image_pages if ocr_pages[i].info.form_id]
    if not known:
        if image_pages and not text_pages:
            raise NotReadableError(text("lesen.nur_bilder", kennung=form.id))
        return None
    info_of = {i: (infos[i] if i in text_pages else ocr_pages[i].info) for i in known}
    return _Found(infos, all_lines, text_pages, image_pages, ocr_pages, info_of)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while page text is read. A page's 2,000 glyph
    records form no cycles (freed as soon as the page is read), but every one counts towards
    the next collection, and in a process that has checked requests before, the collections
    they set off (each full one scans the whole heap) cost 14 of ~150 CPU-ms per copy."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _person_count(form: FormDefinition, pages: int, found: _Found) -> int:
    """The person-block count: by page count and block titles; for scans, by printed frames."""
    titles = person_titles(form, found.all_lines)
    for i in found.image_pages:
        titles |= found.ocr_pages[i].titles
    persons = choose_persons(form, pages, titles)
    if found.image_pages:  # scans: the block count whose printed frames match the pages best
        seen = max(titles, default=0)
        candidates = [p for p in range(max(seen, 1), form.repeat.max + 1)
                      if compute_layout(form, p).pages == pages]

        def score(p: int) -> float:
            lay = compute_layout(form, p)
            ocr = found.ocr_pages
            return sum(ocr[i].align(lay, (ocr[i].info.page_no or i + 1) - 1)[1]
                       for i in found.image_pages if ocr[i].info.form_id
                       and (ocr[i].info.page_no or i + 1) <= lay.pages)

        if len(candidates) > 1:
            persons = max(candidates, key=score)
    return persons


def _read_values(pages: list, form: FormDefinition, layout, found: _Found, decoding: Decoding,
                 values: dict[str, Value], sources: dict[str, ValueSource], uncertain: list[str],
                 notes: list[str]) -> set[int]:
    """Fill `values` page by page (in place); returns the layout pages that were seen."""
    seen_pages: set[int] = set()
    for i in found.text_pages:
        info = found.info_of[i]
        decoding.learn(layout, (info.page_no - 1) if info.page_no else i, found.all_lines[i])
    for i in sorted(set(found.text_pages) | set(found.image_pages)):
        info = found.info_of.get(i) or PageInfo()
        index = (info.page_no - 1) if info.page_no else i
        if index >= layout.pages or index in seen_pages:
            notes.append(text("lesen.seite_passt_nicht", seite=i + 1))
            continue
        seen_pages.add(index)
        if i in found.text_pages:
            got: dict[str, Value] = {}
            with collector_paused():
                values_from_page(form, layout, index, pages[i], found.all_lines[i], got, uncertain,
                                 decoding, notes)
            values.update(got)
            sources.update({n: ValueSource.SEITENTEXT for n in got})
        else:
            page = found.ocr_pages[i]
            got = page.values_for(layout, index)
            values.update(got)
            sources.update({n: ValueSource.OCR for n in got})
            uncertain += [n for n in page.uncertain if n in got]
            notes += page.notes
    return seen_pages


def _doubts(form: FormDefinition, persons: int, decoding: Decoding, values: dict[str, Value],
            sources: dict[str, ValueSource], uncertain: list[str]) -> list[str]:
    """Notes on text that could not be decoded; marks what it may hide as uncertain (in place)."""
    notes = []
    if decoding.unreadable:
        # The copy prints the values of some fields as glyphs without text (empty boxes: a
        # form filled by pdftk or qpdf, whose appearances cannot use the embedded font). A box
        # that looks empty may then hide a value as well: never report it as surely empty.
        fields = form.field_map(persons)
        hidden = [n for n, s in sources.items() if s is ValueSource.SEITENTEXT and values.get(n) is None
                  and fields[n].type in (FieldType.TEXT, FieldType.CHOICE)]
        uncertain += [n for n in hidden if n not in uncertain]
        notes.append(text("lesen.kopie_kaestchen", anzahl=len(decoding.unreadable)))
    if decoding.doubted:
        notes.append(text("lesen.seitentext_kodierung"))
    return notes
