"""Copies without fields: printed, flattened and scanned forms are read from their pages.

Each copy is made by a real program from a form filled by a real filler; what the copy yields must
equal what the fields of the filled form yield. Scans must give the key values right or say that
they are unsure — never a confident wrong value.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import corpus
import pdfplumber
import pytest
from click.testing import CliRunner
from fillers import fill_pdftk, fill_pymupdf
from pypdf import PdfReader
from scans import image_page, simulate_scan

from vhpdf.batch.sources import Item
from vhpdf.batch.task import check_item
from vhpdf.cli.commands import cli
from vhpdf.form.definition import load_definition
from vhpdf.form.identity import footer_text
from vhpdf.form.layout import compute_layout
from vhpdf.read.errors import NoFormError
from vhpdf.read.extract import extract, read_pdf
from vhpdf.read.source import ValueSource
from vhpdf.report.data import render_csv, render_json
from vhpdf.report.table import render_details, render_table

# Every field type, umlauts, a typed newline, a wrapped paragraph and a word longer than a line.
EXTRA = {
    "gefaehrdung.ergebnis": "Zeile eins\nZeile zwei mit Umlauten äöü ÄÖÜ und ß",
    "massnahme.festnahme": True,
    "kraefte.fremd.ordnungsamt": False,
    "unterkunft.erkenntnisse": "Kurz.\nDanach ein Absatz, der in der Appearance umbrochen wird, "
                               "weil er nicht mehr in eine einzige Zeile des Feldes passt.",
    "gefaehrdung.abh.erkenntnisse": "Erste Zeile\n\nnach einer Leerzeile",
}
# Only vhpdf shrinks text to fit; pdftk and PyMuPDF clip what does not fit the box.
LONG = {"unterkunft.erkenntnisse": "Kurz.\nDann ein Wort, länger als eine Zeile: "
                                   + "Donaudampfschifffahrtsgesellschaftskapitän" * 3 + " Ende.",
        "anlagen.verzeichnis": "; ".join(["Beschluss AG Bielefeld vom 12.10.2026"] * 5)}


def _run(*cmd: str) -> None:
    assert shutil.which(cmd[0]), f"{cmd[0]} fehlt: bash tests/setup.sh ausführen"
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def copy_gs(src: Path, out: Path) -> Path:
    _run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", f"-sOutputFile={out}",
         str(src))
    return out


def copy_gs_letter(src: Path, out: Path) -> Path:
    """Printed to US Letter, scaled to fit: every position moves and shrinks."""
    _run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-sPAPERSIZE=letter",
         "-dFIXEDMEDIA", "-dPDFFitPage", f"-sOutputFile={out}", str(src))
    return out


def copy_pdftocairo(src: Path, out: Path) -> Path:
    _run("pdftocairo", "-pdf", str(src), str(out))
    return out


def copy_pdftk_flatten(src: Path, out: Path) -> Path:
    _run("pdftk", str(src), "output", str(out), "flatten")
    return out


def copy_pymupdf_bake(src: Path, out: Path) -> Path:
    import pymupdf

    doc = pymupdf.open(src)
    doc.bake()
    doc.save(out)
    return out


def copy_mutool(src: Path, out: Path) -> Path:
    _run("mutool", "convert", "-o", str(out), str(src))
    return out


COPIERS = {"gs-pdfwrite": copy_gs, "gs-letter-fit": copy_gs_letter, "pdftocairo": copy_pdftocairo,
           "pdftk-flatten": copy_pdftk_flatten, "pymupdf-bake": copy_pymupdf_bake}


@pytest.fixture(scope="session")
def values(complete_values) -> dict:
    return dict(complete_values, **EXTRA)


@pytest.fixture(scope="session")
def filled(tmp_path_factory, blank_pdf, values) -> dict[str, Path]:
    from vhpdf.write.generate import fill_form

    folder = tmp_path_factory.mktemp("filled")
    (folder / "vhpdf.pdf").write_bytes(fill_form(values))
    return {"vhpdf": folder / "vhpdf.pdf",
            "pdftk": fill_pdftk(blank_pdf, values, folder / "pdftk.pdf"),
            "pymupdf": fill_pymupdf(blank_pdf, values, folder / "pymupdf.pdf")}


def _no_fields(path: Path) -> bool:
    return not PdfReader(path).get_fields()


@pytest.mark.parametrize("filler", ["vhpdf", "pymupdf"])
@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_copy_reads_like_fields(filled, tmp_path, filler, copier):
    original = extract(filled[filler])
    assert original.source == "feld"
    copy = COPIERS[copier](filled[filler], tmp_path / "kopie.pdf")
    assert _no_fields(copy), "the copy must really have lost its fields"
    ex = extract(copy)
    assert ex.source == "seitentext"
    assert (ex.form_id, ex.form_version, ex.persons) == (
        original.form_id, original.form_version, original.persons)
    assert ex.uncertain == ()
    assert ex.values == original.values


@pytest.mark.parametrize("copier", sorted(COPIERS))
def test_copy_of_pdftk_fill_says_the_values_are_not_shown(filled, tmp_path, copier):
    """pdftk cannot draw with the form's embedded Type0 font: its text fields print as empty
    boxes (README, "Welche Programme sind sicher?"), so no copy of such a print holds the values.

    The reader must say so — every text field uncertain, a note asking for the original — and
    never return the boxes as "(cid:0)…" or a field as surely empty. Boxes are drawn apart from
    the font and still read right.
    """
    original = extract(filled["pdftk"])
    copy = COPIERS[copier](filled["pdftk"], tmp_path / "kopie.pdf")
    assert _no_fields(copy)
    ex = extract(copy)
    assert ex.source == "seitentext"
    assert (ex.form_id, ex.form_version, ex.persons) == (
        original.form_id, original.form_version, original.persons)
    wrong = {n for n, v in ex.values.items() if v != original.values[n]}
    assert wrong, "a pdftk print cannot show the values"
    assert wrong <= set(ex.uncertain), sorted(wrong - set(ex.uncertain))
    assert not [v for v in ex.values.values()
                if isinstance(v, str) and ("(cid:" in v or "\ufffd" in v)]
    assert any("leere Kästchen" in n and "Original" in n for n in ex.notes)
    fields = load_definition().field_map(ex.persons)
    texts = [n for n, f in fields.items() if f.type.value in ("text", "choice")]
    assert all(n in ex.uncertain for n in texts if ex.values[n] is None)
    boxes = [n for n, f in fields.items() if f.type.value in ("checkbox", "radio")]
    assert {n: ex.values[n] for n in boxes} == {n: original.values[n] for n in boxes}


@pytest.mark.parametrize("filler", ["vhpdf", "pymupdf"])
def test_mutool_copy_repairs_its_text_or_says_unsure(filled, tmp_path, filler):
    """mutool convert 1.21 writes a wrong /ToUnicode: ä reads as (cid:202), – as ±.

    What the printed labels teach is repaired; whatever stays doubtful is reported uncertain.
    """
    original = extract(filled[filler])
    ex = extract(copy_mutool(filled[filler], tmp_path / "mutool.pdf"))
    assert ex.source == "seitentext"
    wrong = {n for n, v in ex.values.items() if v != original.values[n]}
    sure_but_wrong = sorted(wrong - set(ex.uncertain))
    assert not sure_but_wrong, f"confident wrong values: {sure_but_wrong}"
    assert ex.values["empfaenger.kpb"] == original.values["empfaenger.kpb"]  # ä repaired
    assert ex.values["absender.behoerde"] == original.values["absender.behoerde"]  # – and ö
    assert len(ex.uncertain) < 10


def test_multiline_newlines_and_wraps(filled, tmp_path, values):
    from vhpdf.write.generate import fill_form

    ex = extract(copy_pdftocairo(filled["vhpdf"], tmp_path / "k.pdf"))
    for name in EXTRA:
        assert ex.values[name] == EXTRA[name]
    src = tmp_path / "lang.pdf"
    src.write_bytes(fill_form(dict(values, **LONG)))  # shrunk to fit, a word split over lines
    ex = extract(copy_gs(src, tmp_path / "lang-kopie.pdf"))
    assert {n: ex.values[n] for n in LONG} == LONG
    assert ex.uncertain == ()


# pdftk's print shows no text at all (test_copy_of_pdftk_fill_says_the_values_are_not_shown)
@pytest.mark.parametrize("filler", [fill_pymupdf], ids=["pymupdf"])
def test_text_clipped_by_other_fillers_is_uncertain(blank_pdf, values, tmp_path, filler):
    src = filler(blank_pdf, dict(values, **LONG), tmp_path / "gefuellt.pdf")
    ex = extract(copy_gs(src, tmp_path / "kopie.pdf"))
    fields = extract(src).values
    wrong = {n for n, v in ex.values.items() if v != fields[n]}
    assert wrong and wrong <= set(ex.uncertain)
    assert any("abgeschnitten" in n for n in ex.notes)


PRINT_RULES = {"darstellung-abweichend", "druck-abgeschnitten", "druck-zeichen"}


@pytest.mark.parametrize("filler", ["vhpdf", "pymupdf"])
def test_check_report_states_the_source(filled, tmp_path, filler):
    copy = copy_gs(filled[filler], tmp_path / "gedruckt.pdf")
    paper = check_item(Item("gedruckt.pdf", path=copy))
    fields = check_item(Item("formular.pdf", path=filled[filler]))
    assert (paper.source, fields.source) == ("seitentext", "feld")
    assert paper.status is fields.status
    # what the widgets print against what they store is checked on the form (it is the print
    # that the copy shows, so a copy has nothing left to compare)
    on_form = [f.rule for f in fields.findings if f.rule not in PRINT_RULES]
    assert [f.rule for f in paper.findings] == on_form
    assert json.loads(render_json([paper]))[0]["source"] == "seitentext"
    assert "Quelle der Werte: Seitentext" in render_details([paper])
    header, row = render_table([paper]).splitlines()[:2]
    assert header.split()[2] == "Quelle" and "Seitentext" in row
    rows = list(csv.reader(io.StringIO(render_csv([paper]).lstrip("\ufeff")), delimiter=";"))
    column = rows[0].index("Quelle")
    assert rows[1][column] == ValueSource.SEITENTEXT.label


def test_check_report_of_a_pdftk_print_is_not_complete(filled, tmp_path):
    """A print of a pdftk-filled form shows no values: check must not call it complete."""
    paper = check_item(Item("gedruckt.pdf", path=copy_gs(filled["pdftk"], tmp_path / "g.pdf")))
    assert paper.source == "seitentext"
    assert paper.status.value == "unvollständig"
    assert any(f.rule == "unsicher" for f in paper.findings)
    assert any("leere Kästchen" in f.message for f in paper.findings)


def test_pdf_without_footer_still_has_no_form(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "brief.pdf"
    c = Canvas(str(path))
    c.drawString(72, 72, "Ein Brief, kein Formular.")
    c.save()
    with pytest.raises(NoFormError):
        extract(path)


def test_blank_form_keeps_field_source(blank_pdf):
    assert read_pdf(blank_pdf.read_bytes()).source == "feld"


# --- flatten -----------------------------------------------------------------------------------

def _footer_on_every_page(path: Path, form) -> None:
    pages = compute_layout(form, 4).pages
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == pages
        for i, page in enumerate(pdf.pages, 1):
            text = page.extract_text()
            assert footer_text(form) in text
            assert f"Seite {i} von {pages}" in text


@pytest.mark.parametrize("filler", ["vhpdf", "pymupdf"])
def test_flatten_burns_values_and_keeps_footer(form, filled, tmp_path, filler):
    src = filled[filler]
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "akte.pdf"
    result = CliRunner().invoke(cli, ["archivieren", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    assert out.stat().st_mode & 0o777 == 0o600
    assert "/AcroForm" not in PdfReader(out).trailer["/Root"]
    _footer_on_every_page(out, form)
    ex = extract(out)
    assert ex.source == "seitentext" and ex.uncertain == ()
    assert ex.values == extract(src).values
    again = CliRunner().invoke(cli, ["archivieren", str(src), "-o", str(out)])
    assert again.exit_code == 2 and "existiert bereits" in again.output
    flat = CliRunner().invoke(cli, ["archivieren", str(out), "-o", str(tmp_path / "x.pdf")])
    assert flat.exit_code == 1 and "bereits flach" in flat.output


def test_encrypted_printed_copy_is_read_from_its_pages(form, filled, tmp_path):
    """pypdf opens it (with the clerk's password, or with an empty owner password, which PDFium
    does not try); the page reader gets the opened copy and reads the same values."""
    out, locked = tmp_path / "akte.pdf", tmp_path / "zu.pdf"
    assert CliRunner().invoke(cli, ["archivieren", str(filled["vhpdf"]), "-o", str(out)]).exit_code == 0
    plain = read_pdf(out.read_bytes(), form)
    assert plain.source == "seitentext"
    with_password = read_pdf(corpus.encrypt(out.read_bytes(), "AES-256"), form, password="geheim")
    _run("qpdf", "--encrypt", "geheim", "", "256", "--allow-insecure", "--", str(out), str(locked))
    owner_empty = read_pdf(locked.read_bytes(), form)
    for ex in (with_password, owner_empty):
        assert (ex.source, ex.values, ex.uncertain) == (plain.source, plain.values, plain.uncertain)


def test_flatten_pdfa(form, filled, tmp_path):
    out = tmp_path / "akte-pdfa.pdf"
    result = CliRunner().invoke(cli, ["archivieren", str(filled["pdftk"]), "-o", str(out), "--pdfa"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    root = reader.trailer["/Root"]
    assert [o.get_object()["/S"] for o in root["/OutputIntents"]] == ["/GTS_PDFA1"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    assert "pdfaid:part='2'" in xmp.replace('"', "'") and "conformance='B'" in xmp.replace('"', "'")
    for page in reader.pages:  # PDF/A: every font embedded
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            desc = (font.get("/FontDescriptor") or
                    font["/DescendantFonts"][0].get_object()["/FontDescriptor"]).get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    _footer_on_every_page(out, form)
    assert extract(out).values == extract(filled["pdftk"]).values


# --- scans -------------------------------------------------------------------------------------

KEY_FIELDS = ["empfaenger.kpb", "massnahme.art", "ersuchen.datum", "gefaehrdung.datum",
              "massnahme.datum", "massnahme.uhrzeit", "beschluss_durchsuchung.datum", "abschluss.datum",
              "meldung.datum", "beschluss_durchsuchung.status"]


@pytest.fixture(scope="session")
def scans(tmp_path_factory, filled) -> dict[str, tuple[Path, object]]:
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for filler in ("vhpdf", "pymupdf"):
        scan = simulate_scan(filled[filler], folder / f"scan-{filler}.pdf", dpi=200)
        out[filler] = (scan, extract(scan))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("filler", ["vhpdf", "pymupdf"])
def test_scan_key_values_right_or_uncertain(form, filled, scans, filler):
    scan, ex = scans[filler]
    assert _no_fields(scan) and not pdfplumber.open(scan).pages[0].chars
    original = extract(filled[filler])
    assert ex.source == "ocr"
    assert (ex.form_id, ex.form_version, ex.persons) == (form.id, form.version, original.persons)
    assert "Werte aus Scan — bitte prüfen." in ex.notes
    names = [n for n in original.values if n.split(".")[-1] in
             ("name", "vorname", "geburtsdatum") and n.startswith("person")]
    boxes = [f.name for f in form.fields(original.persons)
             if f.type.value in ("checkbox", "radio")]
    for name in KEY_FIELDS + names + boxes:
        assert ex.values[name] == original.values[name] or name in ex.uncertain, name
    for name in boxes:  # boxes are clear on a 200 dpi scan: no doubt, and right
        assert ex.values[name] == original.values[name], name
    assert ex.values["empfaenger.kpb"] == original.values["empfaenger.kpb"]
    assert ex.values["massnahme.art"] == original.values["massnahme.art"]
    wrong = {n for n, v in ex.values.items() if v != original.values[n]}
    assert wrong <= set(ex.uncertain), f"confident wrong: {sorted(wrong - set(ex.uncertain))}"
    right = sum(1 for n, v in ex.values.items()
                if v == original.values[n] and n not in ex.uncertain)
    assert right >= 0.8 * len(ex.values)


@pytest.mark.slow
def test_scan_check_report(scans):
    scan, _ = scans["vhpdf"]
    result = check_item(Item(scan.name, path=scan))
    assert result.source == "ocr"
    assert any(f.message == "Werte aus Scan — bitte prüfen." for f in result.findings)
    assert "Quelle der Werte: Texterkennung (Scan)" in render_details([result])
    assert "Scan" in render_table([result]).splitlines()[1]


@pytest.mark.slow
def test_blank_image_page_is_not_read_as_form(tmp_path):
    """A scan of something else (no readable footer) is reported, not guessed."""
    import pymupdf
    from PIL import Image, ImageDraw

    img = Image.new("L", (1654, 2339), 255)
    ImageDraw.Draw(img).line((200, 400, 1400, 1900), fill=0, width=9)  # a scribble
    png = tmp_path / "kritzel.png"
    img.save(png)
    doc = pymupdf.open()
    page = doc.new_page(width=595.28, height=841.89)
    page.insert_image(page.rect, filename=str(png))
    doc.save(tmp_path / "kritzel.pdf")
    with pytest.raises(NoFormError, match="Handschrift"):
        extract(tmp_path / "kritzel.pdf")


@pytest.mark.slow
def test_handwritten_page_is_said_so(form, blank_pdf, tmp_path):
    """Scribbles in the boxes of a scanned blank form: reported, not read as text."""
    import math

    import pymupdf
    from PIL import Image, ImageDraw

    dpi, scale = 200, 200 / 72
    layout = compute_layout(form, 4)
    doc = pymupdf.open(blank_pdf)
    out = pymupdf.open()
    for index, page in enumerate(doc):
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        draw = ImageDraw.Draw(img)
        for w in layout.widgets:
            if w.page != index or w.field.type.value != "text" or w.rect.w < 60:
                continue
            r = w.rect
            base = (841.8898 - r.y - r.h / 2) * scale
            pts = [((r.x + 4 + t) * scale, base + 5 * math.sin(t / 3.0) * (1 + (t % 7) / 7))
                   for t in range(0, int(r.w * 0.7), 2)]
            draw.line(pts, fill=0, width=3)  # a handwritten-looking stroke
        png = tmp_path / f"p{index}.png"
        img.save(png)
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, filename=str(png))
    out.save(tmp_path / "handschrift.pdf")
    ex = extract(tmp_path / "handschrift.pdf")
    assert ex.source == "ocr"
    assert any("Handschrift wird nicht ausgewertet" in n for n in ex.notes)
    scribbled = [w.field.name for w in layout.widgets
                 if w.field.type.value == "text" and w.rect.w >= 60]
    for name in scribbled:  # never a confident value out of a scribble
        assert ex.values[name] is None or name in ex.uncertain, (name, ex.values[name])


def test_check_path_does_not_load_page_readers(complete_pdf):
    code = ("import sys; from vhpdf.batch.task import check_file; "
            f"r = check_file({str(complete_pdf)!r}); "
            "print(r.source, sorted(m for m in ('pdfplumber', 'pypdfium2', 'numpy', "
            "'vhpdf.read.paper.pagetext', 'vhpdf.read.paper.ocr') if m in sys.modules))")
    run = subprocess.run(["python3", "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert run.stdout.strip() == "feld []"


@pytest.mark.slow
def test_mixed_copy_and_reordered_pages(filled, scans, tmp_path):
    """Page 2 rescanned into a printed copy, pages out of order: footer numbers decide."""
    import pymupdf

    copy = copy_gs(filled["vhpdf"], tmp_path / "kopie.pdf")
    scan, _ = scans["vhpdf"]
    text_doc, scan_doc = pymupdf.open(copy), pymupdf.open(scan)
    out = pymupdf.open()
    out.insert_pdf(text_doc, from_page=2, to_page=2)
    out.insert_pdf(scan_doc, from_page=1, to_page=1)
    out.insert_pdf(text_doc, from_page=0, to_page=0)
    out.insert_pdf(text_doc, from_page=3, to_page=3)
    out.save(tmp_path / "gemischt.pdf")
    ex = extract(tmp_path / "gemischt.pdf")
    original = extract(filled["vhpdf"])
    layout = compute_layout(load_definition(), original.persons)
    on_page2 = {w.field.name for w in layout.widgets if w.page == 1}
    assert ex.source == "seitentext"
    assert set(ex.sources) == on_page2 and set(ex.sources.values()) == {"ocr"}
    assert "Werte aus Scan — bitte prüfen." in ex.notes
    for name, value in ex.values.items():
        if name in on_page2:
            assert value == original.values[name] or name in ex.uncertain, name
        else:
            assert value == original.values[name], name


@pytest.mark.slow
def test_text_as_outlines_is_read_like_a_scan(form, filled, tmp_path):
    """Some printer drivers turn text into curves (here gs -dNoOutputFonts): no text, no image."""
    out = tmp_path / "kurven.pdf"
    _run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dNoOutputFonts",
         f"-sOutputFile={out}", str(filled["vhpdf"]))
    assert not pdfplumber.open(out).pages[0].chars
    ex, original = extract(out), extract(filled["vhpdf"])
    assert ex.source == "ocr" and ex.persons == original.persons
    wrong = {n for n, v in ex.values.items() if v != original.values[n]}
    assert not wrong - set(ex.uncertain), sorted(wrong - set(ex.uncertain))
    boxes = [f.name for f in form.fields(ex.persons) if f.type.value in ("checkbox", "radio")]
    assert all(ex.values[n] == original.values[n] for n in boxes)


def test_copy_with_pages_missing(filled, tmp_path):
    # PyMuPDF, not pdftk: a pdftk print shows no values at all since the embedded font
    out = tmp_path / "teil.pdf"
    _run("gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dLastPage=2",
         f"-sOutputFile={out}", str(filled["pymupdf"]))
    ex, original = extract(out), extract(filled["pymupdf"])
    assert any("fehlen in der Datei" in n for n in ex.notes)
    layout = compute_layout(load_definition(), original.persons)
    for w in layout.widgets:  # a person block only on a missing page may be absent altogether
        expected = original.values[w.field.name] if w.page < 2 else ex.values.get(w.field.name)
        assert ex.values.get(w.field.name) == expected
        if w.page >= 2:
            assert ex.values.get(w.field.name) in (None, False)
    assert check_item(Item("teil.pdf", path=out)).status.value == "unvollständig"


def test_flatten_says_a_signature_stays_with_the_original(complete_pdf, tmp_path):
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(complete_pdf))
    for page in writer.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":  # a signature value as a signing program sets it
                annot[NameObject("/V")] = writer._add_object(DictionaryObject(
                    {NameObject("/Type"): NameObject("/Sig")}))
    signed = tmp_path / "signiert.pdf"
    with signed.open("wb") as fh:
        writer.write(fh)
    assert extract(signed).values["abschluss.signatur"] is True
    result = CliRunner().invoke(cli, ["archivieren", str(signed), "-o", str(tmp_path / "flach.pdf")])
    assert result.exit_code == 0
    assert "Signatur gilt nur für das Original" in result.output
    plain = CliRunner().invoke(cli, ["archivieren", str(complete_pdf), "-o", str(tmp_path / "b.pdf")])
    assert "Signatur" not in plain.output


@pytest.mark.slow
def test_scan_foreign_names_right_or_uncertain(values, tmp_path):
    """Letters the German OCR model lacks (ç ë š ø å ó ñ) are never returned as confident reads."""
    from vhpdf.write.generate import fill_form

    names = [("Çelik", "Arbër"), ("Dušan", "Šaric"), ("Jørgen", "Håkon"), ("Ramón", "Muñoz")]
    data = dict(values)
    for n, (name, first) in enumerate(names, 1):
        data.update({f"person{n}.name": name, f"person{n}.vorname": first,
                     f"person{n}.geburtsdatum": f"0{n}.1{n - 1}.199{n}"})
    src = tmp_path / "namen.pdf"
    src.write_bytes(fill_form(data))
    ex = extract(simulate_scan(src, tmp_path / "namen-scan.pdf", dpi=200))
    original = extract(src)
    for n in range(1, 5):
        for key in ("name", "vorname", "geburtsdatum"):
            name = f"person{n}.{key}"
            assert ex.values[name] == original.values[name] or name in ex.uncertain, (
                name, ex.values[name])
    wrong = {n for n, v in ex.values.items() if v != original.values[n]}
    assert not wrong - set(ex.uncertain), sorted(wrong - set(ex.uncertain))


@pytest.mark.slow
def test_scan_court_file_number_without_register_sign_is_uncertain(form, values, tmp_path):
    """OCR read "7 L 1234/26" as "711234/26", confidently: a court's file number always has a
    register sign (letters), so a scan read without one is "nicht sicher gelesen" (ocr_pattern
    in forms/); one with its sign, read right, is not. Only the page with the court blocks is
    scanned."""
    from pypdf import PdfWriter

    from vhpdf.write.generate import fill_form

    search, detention = "beschluss_durchsuchung.aktenzeichen", "beschluss_haft.aktenzeichen"
    src = tmp_path / "aktenzeichen.pdf"
    src.write_bytes(fill_form(dict(values, **{search: "1234/26", detention: "503 XIV 12/26 B"})))
    pages = {w.page for w in compute_layout(form, 4).widgets if w.field.name in (search, detention)}
    assert len(pages) == 1
    page = tmp_path / "seite.pdf"
    writer = PdfWriter()
    writer.add_page(PdfReader(src).pages[pages.pop()])
    writer.write(page)
    ex = extract(simulate_scan(page, tmp_path / "seite-scan.pdf", dpi=200))
    assert ex.source == "ocr"
    assert ex.values[search] in ("1234/26", None) and search in ex.uncertain
    assert (ex.values[detention], detention in ex.uncertain) == ("503 XIV 12/26 B", False)


# --- turned pages ------------------------------------------------------------------------------
# A page turned in a viewer (/Rotate, its own, inherited from the page tree, or per page), drawn
# turned by a printer driver (a landscape page with a rotating cm) or fed upside down is read as
# the upright copy: same values, sources, findings and verdict.

def _pypdf_copy(src: Path, out: Path, change) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(src))
    change(writer)
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def _rotate_each(*angles: int):
    def change(writer) -> None:
        for page, angle in zip(writer.pages, angles, strict=True):
            page.rotate(angle)
    return change


def _rotate_inherited(writer) -> None:
    from pypdf.generic import NameObject, NumberObject

    writer.root_object["/Pages"][NameObject("/Rotate")] = NumberObject(270)
    for page in writer.pages:
        page.pop("/Rotate", None)  # pypdf writes /Rotate 0 on each page


def _drawn_landscape(writer) -> None:
    """As a print-to-PDF driver draws a portrait page on landscape paper: the content wrapped
    in a quarter turn (q 0 1 -1 0 h 0 cm ... Q), the MediaBox turned with it."""
    from pypdf import Transformation
    from pypdf.generic import RectangleObject

    for page in writer.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        page.add_transformation(Transformation().rotate(90).translate(h, 0))
        page.mediabox = RectangleObject([0, 0, h, w])


def _stamped(rotate: int):
    """A 22-letter stamp reading upwards in the left margin of page 1, drawn before the form,
    on a page shown with /Rotate `rotate`: on an upright page the stamp alone is turned, on a
    page turned by 90 degrees it alone reads upright."""
    def change(writer) -> None:
        from pypdf.generic import DictionaryObject, NameObject

        page = writer.pages[0]
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page["/Resources"].get_object()["/Font"].get_object()[NameObject("/Stempel")] = font
        content = page.get_contents()
        content.set_data(b"q BT /Stempel 9 Tf 0 1 -1 0 20 320 Tm (Eingang 01.12.2026 KPB) Tj ET Q\n"
                         + content.get_data())
        page.replace_contents(content)
        if rotate:
            page.rotate(rotate)
    return change


def _verdict(path: Path) -> tuple:
    result = check_item(Item("kopie.pdf", path=path), keep_values=True)
    assert result.source is ValueSource.SEITENTEXT and result.values, (result.status, result.error)
    return (result.status, result.form_id, result.form_version, result.findings, result.values,
            result.sources)


TURNS = {
    "qpdf +90": ("flach", lambda src, out: _run("qpdf", str(src), "--rotate=+90", str(out))),
    "qpdf +180": ("flach", lambda src, out: _run("qpdf", str(src), "--rotate=+180", str(out))),
    "gs, qpdf +270": ("gs", lambda src, out: _run("qpdf", str(src), "--rotate=+270", str(out))),
    "pypdf je Seite": ("flach", lambda src, out: _pypdf_copy(src, out, _rotate_each(90, 0, 270, 180))),
    "geerbt": ("flach", lambda src, out: _pypdf_copy(src, out, _rotate_inherited)),
    "quer gezeichnet": ("flach", lambda src, out: _pypdf_copy(src, out, _drawn_landscape)),
    "Stempel gedreht": ("flach", lambda src, out: _pypdf_copy(src, out, _stamped(0))),
    "Stempel aufrecht, Seite gedreht": ("flach", lambda src, out: _pypdf_copy(src, out, _stamped(90))),
}


@pytest.fixture(scope="module")
def upright(filled, tmp_path_factory) -> dict[str, tuple[Path, tuple]]:
    """The vhpdf-filled request flattened by vhpdf's own archivieren, and printed by Ghostscript;
    each with its verdict."""
    from vhpdf.write.flatten import flatten

    folder = tmp_path_factory.mktemp("aufrecht")
    flat = folder / "flach.pdf"
    flat.write_bytes(flatten(filled["vhpdf"].read_bytes())[0])
    copies = {"flach": flat, "gs": copy_gs(filled["vhpdf"], folder / "gs.pdf")}
    return {name: (path, _verdict(path)) for name, path in copies.items()}


@pytest.mark.parametrize("turn", sorted(TURNS))
def test_turned_pages_read_as_upright(upright, tmp_path, turn):
    source, make = TURNS[turn]
    path, verdict = upright[source]
    out = tmp_path / "gedreht.pdf"
    make(path, out)
    assert _verdict(out) == verdict


@pytest.mark.slow
def test_turned_scan_reads_as_upright(filled, scans, tmp_path):
    """A scan whose pages were fed or saved turned (a quarter left, upright, a quarter right,
    upside down) is read as the upright scan: OCR turns each page until its footer reads."""
    scan, upright_read = scans["vhpdf"]
    ex = extract(_pypdf_copy(scan, tmp_path / "scan-gedreht.pdf", _rotate_each(90, 0, 270, 180)))
    assert ex.source == "ocr"
    assert (ex.form_id, ex.form_version, ex.persons) == (
        upright_read.form_id, upright_read.form_version, upright_read.persons)
    assert ex.notes == upright_read.notes
    # rendered turned, the pixels differ a little: a value may differ only where both are unsure
    differ = {n for n, v in ex.values.items() if v != upright_read.values[n]}
    assert differ <= set(ex.uncertain) & set(upright_read.uncertain), sorted(differ)
    original = extract(filled["vhpdf"])
    wrong = {n for n, v in ex.values.items() if v != original.values[n]}
    assert wrong <= set(ex.uncertain), f"confident wrong: {sorted(wrong - set(ex.uncertain))}"


@pytest.mark.slow
def test_scan_of_another_document_is_turned_away_without_the_second_preparation(monkeypatch):
    """A scanned court decision or passport copy is not the form: its footer does not read, and
    it is turned away without the second preparation of the page (~0.4 s of a 1–2 s probe),
    which only pages whose values are read need (the scan tests above read values with it)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4

    import vhpdf.read.paper.ocr as ocr

    made: list[int] = []
    prepare = ocr._second
    monkeypatch.setattr(ocr, "_second", lambda gray: made.append(1) or prepare(gray))
    page = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    for k in range(30):
        draw.text((120, 120 + 45 * k), f"Beschluss des Amtsgerichts, Zeile {k + 1}", fill=0)
    with pytest.raises(NoFormError, match="nur Bilder"):
        read_pdf(image_page(page, A4))
    assert made == []
