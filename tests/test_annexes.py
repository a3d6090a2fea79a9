"""Annexes and pages without fields: a large court order is found out cheaply, a damaged annex is
a warning on its request, pages without a MediaBox and failures inside the page readers get a
German cause, never a Python class name."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from mails import TZ, mail
from scans import image_page

from vhpdf.batch.run import check_paths
from vhpdf.batch.sources import Item
from vhpdf.batch.task import check_item
from vhpdf.check.result import Status
from vhpdf.cli.commands import cli
from vhpdf.read.errors import ErrorKind
from vhpdf.report.data import render_json


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def long_court_order(pages: int = 200) -> bytes:
    """A text PDF of `pages` pages, like a court order or an investigation file."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf)
    for n in range(1, pages + 1):
        for line in range(40):
            canvas.drawString(72, 760 - 16 * line, f"Seite {n}, Zeile {line + 1}: Gründe des Beschlusses 9 Gs 1234/26")
        canvas.drawString(72, 40, f"Amtsgericht Bielefeld – Seite {n} von {pages}")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def without_mediabox(data: bytes) -> bytes:
    """The PDF with /MediaBox removed from every page and the page tree (none inherited)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        page.pop(NameObject("/MediaBox"), None)
        page.pop(NameObject("/CropBox"), None)
    writer.root_object["/Pages"].get_object().pop(NameObject("/MediaBox"), None)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def verdict(data: bytes):
    return check_item(Item("datei.pdf", data=data))


@pytest.fixture(scope="module")
def request_pdf(complete_values) -> bytes:
    from vhpdf.write.generate import fill_form

    return fill_form(complete_values)


def test_large_annex_beside_a_complete_request(tmp_path, request_pdf):
    order = long_court_order(200)
    alone = verdict(order)  # only the first pages are opened; no time limit needed
    assert alone.status is Status.UNLESBAR and alone.error_kind is ErrorKind.NO_FORM
    assert "Auf den ersten 30 von 200 Seiten ist der Formularfuß" in alone.error  # says how far it looked
    msg = mail("abh@kreis.example", "Ersuchen mit Beschluss", dt.datetime(2026, 11, 3, tzinfo=TZ),
               [("ersuchen.pdf", request_pdf), ("Beschluss.pdf", order)])
    path = tmp_path / "mit_anlage.eml"
    path.write_bytes(msg.as_bytes())
    out = _run("check", path)
    assert out.exit_code == 0, out.output
    assert "1 Eingang, 1 Ersuchen geprüft: 1 vollständig, 0 unvollständig, 0 unlesbar." in out.output


def test_printed_request_behind_a_cover_letter_is_found(request_pdf):
    """A printout behind a 4-page cover letter, more pages after it: found by its footer."""
    import pymupdf
    from pypdf import PdfReader, PdfWriter

    doc = pymupdf.open(stream=request_pdf, filetype="pdf")
    doc.bake()  # a copy without fields, as printed
    writer = PdfWriter()
    for part in (long_court_order(4), doc.tobytes(), long_court_order(3)):
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    result = verdict(out.getvalue())
    assert result.status is Status.VOLLSTAENDIG, result.error
    assert result.source is not None and result.source.value == "seitentext"
    assert [f.message for f in result.findings if "beginnt erst auf Seite" in f.message] == [
        "Das Ersuchen beginnt erst auf Seite 5 der Datei; die Seiten davor (z. B. ein Anschreiben) "
        "wurden nicht ausgewertet."]


def test_damaged_annex_is_a_warning_on_its_request(tmp_path, request_pdf):
    from mails import court_order_pdf

    cut = court_order_pdf()[:300]
    msg = mail("abh@kreis.example", "Ersuchen", dt.datetime(2026, 11, 3, tzinfo=TZ),
               [("ersuchen.pdf", request_pdf), ("Beschluss.pdf", cut)])
    path = tmp_path / "kaputte_anlage.eml"
    path.write_bytes(msg.as_bytes())
    (result,) = check_paths([path])
    assert result.file == f"{path} › ersuchen.pdf" and result.status is Status.VOLLSTAENDIG
    (finding,) = [f for f in result.findings if f.rule == "anlage-beschaedigt"]
    assert finding.message.startswith("Anlage „Beschluss.pdf“ ist beschädigt: Die PDF-Datei ist abgeschnitten")
    assert finding.severity.value == "warnung"

    out = _run("check", path)
    assert out.exit_code == 0, out.output
    assert "1 Eingang, 1 Ersuchen geprüft: 1 vollständig, 0 unvollständig, 0 unlesbar." in out.output
    out = _run("check", path, "--format", "json")  # the run's results are spooled: the warning too
    assert out.exit_code == 0, out.output
    assert out.output == render_json([result])

    alone = mail("abh@kreis.example", "nur Anlage", dt.datetime(2026, 11, 3, tzinfo=TZ), [("Beschluss.pdf", cut)])
    path.write_bytes(alone.as_bytes())
    (result,) = check_paths([path])  # without a request beside it, it is a row of its own
    assert result.status is Status.UNLESBAR and result.error_kind is ErrorKind.TRUNCATED


def test_page_without_mediabox(request_pdf):
    from mails import court_order_pdf

    result = verdict(without_mediabox(court_order_pdf()))
    assert result.status is Status.UNLESBAR and result.error_kind is ErrorKind.DAMAGED
    assert result.error == ("Die Seiten der PDF-Datei sind beschädigt und nicht lesbar "
                            "(eine Seite hat keine gültige Seitengröße (MediaBox)).")
    # a form's values are in its fields: its pages are not needed
    assert verdict(without_mediabox(request_pdf)).status is Status.VOLLSTAENDIG


def test_page_reader_failures_name_a_cause_and_memory_stays_memory():
    import pypdfium2

    from vhpdf.read.paper.pages import page_error

    with pytest.raises(pypdfium2.PdfiumError) as damaged:  # PDFium's own error for a broken file
        pypdfium2.PdfDocument(b"%PDF-1.7\n1 0 obj <<\n%%EOF\n")
    assert str(page_error(damaged.value)) == (
        "Die Seiten der PDF-Datei sind beschädigt und nicht lesbar (Syntaxfehler in den PDF-Objekten).")
    assert "PdfiumError" not in str(page_error(pypdfium2.PdfiumError("Failed to load page.")))
    assert page_error(TypeError("'NoneType' object is not iterable")).kind is ErrorKind.DAMAGED
    assert "TypeError" not in str(page_error(TypeError("x")))
    with pytest.raises(MemoryError):
        page_error(RuntimeError(MemoryError()))
    assert page_error(RuntimeError(RecursionError())).kind is ErrorKind.LIMIT


def test_huge_image_page_is_not_rendered_for_ocr():
    """A poster-sized image page (2100 pt square) cannot be the A4 form: no OCR (it took 1.2 GB)."""
    from PIL import Image

    result = verdict(image_page(Image.new("L", (64, 64), 128), (2100, 2100)))
    assert result.status is Status.UNLESBAR and result.error_kind is ErrorKind.NO_FORM
    assert result.error == ("Die PDF-Datei enthält keine Formularfelder, und auf keiner Seite ist der "
                            "Formularfuß des Vollzugshilfeersuchens zu lesen.")


def _peak_mb(data: bytes) -> tuple[float, str]:
    """Check `data` in this process; how far its resident size rose above where it began (MB)."""
    from pathlib import Path

    def kb(key: str) -> int:
        line = next(ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith(key))
        return int(line.split()[1])

    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM)
    before = kb("VmRSS:")
    result = verdict(data)
    return (kb("VmHWM:") - before) / 1024, result.error or ""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="misst über /proc (Linux)")
def test_large_image_page_is_rendered_within_bounded_memory():
    """An A3 image page (within the scan size limit) is rendered for OCR with no more pixels than
    an A4 page: at 300 dpi it took 590 MB in a worker, more than the 300 MB per worker allowed."""
    from PIL import Image

    from vhpdf.batch.pool import call_isolated

    rise, error = call_isolated(_peak_mb, image_page(Image.new("L", (64, 64), 200), (1559, 1190)))
    assert "nur Bilder" in error  # it did go to OCR
    assert rise < 200, rise


def test_footer_sniff_failing_keeps_the_first_verdict(form):
    """The sniff behind a cover letter is a second look: a file it cannot open keeps the
    verdict of the first pages ('kein Formular') instead of becoming 'beschädigt'."""
    from vhpdf.read.paper.pages import footer_start, open_for_sniff

    assert footer_start(open_for_sniff(b"%PDF-1.7\nkein Seitenbaum\n%%EOF\n"), form) == (None, 0)


def test_page_beyond_the_memory_cap_is_a_memory_verdict(tmp_path):
    """A page whose content inflates past the worker's address-space cap: PDFium (C++) aborts
    where an allocation fails, and the file is reported as over the memory limit, as a
    MemoryError in Python code was, not as a crash."""
    import zlib

    from corpus import tiny_pdf

    packer = zlib.compressobj(1)
    block = b"q Q\n" * 2**18  # 1 MB of page content, 400 times
    content = b"".join([packer.compress(block) for _ in range(400)] + [packer.flush()])
    path = tmp_path / "riesenseite.pdf"
    path.write_bytes(tiny_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"},
        info=None))
    out = _run("check", "--speicher", "300", "--format", "json", path)
    assert out.exit_code == 1, out.output
    (row,) = json.loads(out.output)
    assert row["status"] == "unlesbar", row
    assert row["error"] == "Die Datei braucht beim Lesen mehr Speicher als erlaubt (Speichergrenze)."


def _with_broken_page(good: bool) -> bytes:
    """A PDF whose last page PDFium cannot load (the page tree points to a number), behind a
    page of ordinary text if `good`."""
    from corpus import tiny_pdf

    text = b"BT /F1 12 Tf 72 700 Td (Bescheid vom 3. November 2026) Tj ET"
    kids = b"[3 0 R 4 0 R]" if good else b"[4 0 R]"
    return tiny_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, 2 if good else 1),
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R"
           b" /Resources << /Font << /F1 6 0 R >> >> >>",
        4: b"42",
        5: b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        6: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}, info=None)


def test_a_page_that_cannot_be_loaded_shows_nothing_unless_none_can():
    """A broken page beside readable ones is a page without the form (pdfminer skipped it
    too); a document none of whose pages can be loaded is damaged, not 'kein Formular'."""
    some = verdict(_with_broken_page(True))
    assert some.status is Status.UNLESBAR and some.error_kind is ErrorKind.NO_FORM, some.error
    none = verdict(_with_broken_page(False))
    assert none.status is Status.UNLESBAR and none.error_kind is ErrorKind.DAMAGED, none.error
    assert none.error == ("Die Seiten der PDF-Datei sind beschädigt und nicht lesbar "
                          "(ein Objekt der Datei ist fehlerhaft aufgebaut).")


def test_printed_copy_with_an_inherited_mediabox_is_read(request_pdf):
    """PDFium gives a page the size of its page tree's MediaBox; vhpdf reads the copy alike."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    from vhpdf.read.extract import read_pdf
    from vhpdf.write.flatten import flatten

    flat = flatten(request_pdf)[0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(flat)))
    for page in writer.pages:
        box = page.pop(NameObject("/MediaBox"))
    writer.root_object["/Pages"].get_object()[NameObject("/MediaBox")] = ArrayObject(
        FloatObject(v) for v in box)
    out = io.BytesIO()
    writer.write(out)
    inherited, direct = read_pdf(out.getvalue()), read_pdf(flat)
    assert inherited.source == "seitentext"
    assert inherited.values == direct.values and inherited.uncertain == direct.uncertain
