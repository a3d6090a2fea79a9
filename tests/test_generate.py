"""Properties of the generated form that viewers and printers rely on."""

from __future__ import annotations

import re
import subprocess

import pdfplumber
from pypdf import PdfReader

from vhpdf.form.identity import INFO_FORM_ID, INFO_FORM_VERSION, footer_text
from vhpdf.write.generate import generate


def _widgets(reader):
    """Widgets of form fields (the non-printing check button is no field of the request)."""
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            field = _terminal(annot) if annot.get("/Subtype") == "/Widget" else None
            if field is not None and not int(field.get("/Ff", 0)) & (1 << 16):
                yield page, annot


def _terminal(widget):
    return widget if "/T" in widget else widget["/Parent"].get_object()


def _qualified(field) -> str:
    parts = []
    while field is not None:
        parts.append(str(field["/T"]))
        field = field.get("/Parent")
        field = field.get_object() if field is not None else None
    return ".".join(reversed(parts))


def test_a4_metadata_language_title(form, blank_pdf):
    reader = PdfReader(blank_pdf)
    assert len(reader.pages) == 4
    for page in reader.pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]
        assert page["/Tabs"] == "/S"  # tab order follows the structure tree
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de-DE"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (BooleanObject)
    info = reader.metadata
    assert info["/Title"] == form.title
    assert (info[INFO_FORM_ID], info[INFO_FORM_VERSION]) == (form.id, form.version)
    assert info.get("/Author", "") == ""  # no user name leaks into the file
    assert "/NeedAppearances" not in root["/AcroForm"]


def test_footer_with_form_version_on_every_page(form, blank_pdf):
    text = subprocess.run(["pdftotext", "-layout", str(blank_pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")[:4]
    for i, page in enumerate(pages, 1):
        assert footer_text(form) in page
        assert f"Seite {i} von 4" in page


def test_no_printed_line_ends_between_paragraph_sign_and_number(blank_pdf):
    with pdfplumber.open(blank_pdf) as pdf:
        lines = [ln["text"] for page in pdf.pages for ln in page.extract_text_lines()]
    assert sum(ln.count("§") for ln in lines) >= 20  # the form cites the law throughout
    assert [ln for ln in lines if re.search(r"§§?\s*$", ln)] == []


def test_every_field_has_tooltip_and_sane_flags(form, blank_pdf):
    reader = PdfReader(blank_pdf)
    seen = set()
    for _, w in _widgets(reader):
        field = _terminal(w)
        assert field.get("/TU"), field
        assert "/MaxLen" not in field  # no silent cut at 100 characters
        ft, flags = field.get("/FT"), int(field.get("/Ff", 0))
        if ft == "/Btn" and not flags & (1 << 15):
            assert not flags & 2, "checkboxes must not be required"
        seen.add(_qualified(field))
    assert seen == set(form.field_map(4))


def test_hierarchical_names_and_formats(form, blank_pdf):
    fields = PdfReader(blank_pdf).get_fields()
    assert set(form.field_map(4)) <= set(fields)
    date_fields = [f.name for f in form.fields(4) if f.format and f.format.value == "datum"]
    reader = PdfReader(blank_pdf)
    actions = {}
    for _, w in _widgets(reader):
        if "/AA" in w:
            actions[w["/T"]] = w["/AA"]["/F"]["/JS"]
    assert actions["datum"] == 'AFDate_FormatEx("dd.mm.yyyy");'
    assert len([n for n in date_fields]) >= 8


def test_kpb_dropdown_lists_all_47(form, blank_pdf):
    reader = PdfReader(blank_pdf)
    kpb = next(w for _, w in _widgets(reader) if w.get("/T") == "kpb")
    assert len(kpb["/Opt"]) == 47
    assert int(kpb["/Ff"]) & (1 << 17)  # combo


def test_person_count_changes_pages(form):
    many = PdfReader(__import__("io").BytesIO(generate(12)))
    assert len(many.pages) > 3
    assert "person12.name" in many.get_fields()


def test_filled_values_have_appearances_and_consistent_states(complete_pdf):
    reader = PdfReader(complete_pdf)
    for _, w in _widgets(reader):
        field = _terminal(w)
        if field.get("/FT") == "/Btn":
            v = field.get("/V", "/Off")
            on = [k for k in w["/AP"]["/N"] if k != "/Off"][0]
            assert w["/AS"] == (on if v == on else "/Off")
        elif field.get("/FT") in ("/Tx", "/Ch") and field.get("/V"):
            assert w["/AP"]["/N"].get_data()  # a real appearance stream
            assert "/I" not in field


def test_rendered_filled_page_shows_values(complete_pdf):
    text = subprocess.run(["pdftotext", "-layout", str(complete_pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    for value in ("Polizeipräsidium Bielefeld", "Hoxha", "Arbër", "§ 58 Abs. 1 AufenthG", "33605"):
        assert value in text


def test_only_first_person_is_required(blank_pdf):
    fields = PdfReader(blank_pdf).get_fields()
    assert int(fields["person1.name"]["/Ff"]) & 2
    assert not int(fields["person2.name"]["/Ff"]) & 2
