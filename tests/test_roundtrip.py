"""Generate → fill (vhpdf, pdftk, PyMuPDF) → extract gives back exactly what went in."""

from __future__ import annotations

import pytest
from fillers import fill_pdftk, fill_pymupdf

from vhpdf.read.extract import extract


def _expected(form, values: dict) -> dict:
    fields = form.field_map(4)
    out = {}
    for name, f in fields.items():
        v = values.get(name)
        out[name] = bool(v) if f.type.value in ("checkbox", "signature") else v
    return out


def test_vhpdf_fill_roundtrip(form, complete_pdf, complete_values):
    ex = extract(complete_pdf)
    assert (ex.form_id, ex.form_version) == (form.id, form.version)
    assert ex.values == _expected(form, complete_values)


@pytest.mark.parametrize("filler", [fill_pdftk, fill_pymupdf], ids=["pdftk", "pymupdf"])
def test_other_fillers_roundtrip(form, blank_pdf, complete_values, tmp_path, filler):
    values = dict(complete_values, **{
        "gefaehrdung.ergebnis": "Zeile eins\nZeile zwei mit Umlauten äöü ÄÖÜ und ß",
        "massnahme.festnahme": True,
        "kraefte.fremd.ordnungsamt": False,
    })
    filled = filler(blank_pdf, values, tmp_path / "gefuellt.pdf")
    ex = extract(filled)
    assert ex.values == _expected(form, values)


def test_blank_form_extracts_empty(form, blank_pdf):
    ex = extract(blank_pdf)
    assert ex.persons == form.repeat.default
    assert all(v in (None, False) for v in ex.values.values())
    assert set(ex.values) == set(form.field_map(4))
