"""Extraction reads values however a filling program stored them.

Each case rewrites a vhpdf-filled form the way some real filler does, then extracts it.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from vhpdf.read.errors import LimitError
from vhpdf.read.extract import read_pdf


def _fields(writer):
    """Qualified name -> terminal field dict of a writer."""
    out = {}

    def walk(refs, prefix):
        for ref in refs:
            node = ref.get_object()
            name = f"{prefix}.{node['/T']}" if prefix else str(node["/T"])
            kids = [k for k in node.get("/Kids", []) if "/T" in k.get_object()]
            if kids:
                walk(kids, name)
            else:
                out[name] = node

    walk(writer._root_object["/AcroForm"]["/Fields"], "")
    return out


def _rewrite(pdf: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    change(_fields(writer))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def filled(complete_pdf) -> bytes:
    return complete_pdf.read_bytes()


@pytest.mark.parametrize("on", ["/Yes", "/On", "/1", "/Ja", "/Oui"])
def test_checkbox_on_state_names(filled, on):
    def change(fields):
        box = fields["massnahme.betreten"]
        ap = box["/AP"]["/N"]
        ap[NameObject(on)] = ap.pop("/Ja")
        box[NameObject("/V")] = NameObject(on)
        box[NameObject("/AS")] = NameObject(on)

    assert read_pdf(_rewrite(filled, change)).values["massnahme.betreten"] is True


def test_checkbox_with_only_appearance_state(filled):
    def change(fields):
        del fields["massnahme.betreten"]["/V"]  # some fillers set /AS only

    assert read_pdf(_rewrite(filled, change)).values["massnahme.betreten"] is True


def test_text_value_on_widget_kid(filled):
    def change(fields):
        field = fields["massnahme.grund"]
        # split the merged field/widget: the field keeps /T, a new widget kid holds /V
        kid = DictionaryObject({k: v for k, v in field.items() if k not in ("/T", "/Parent", "/V")})
        kid[NameObject("/V")] = TextStringObject("Wert am Widget")
        for k in list(field):
            if k not in ("/T", "/Parent", "/FT", "/Ff"):
                del field[k]
        field[NameObject("/Kids")] = ArrayObject([kid])

    assert read_pdf(_rewrite(filled, change)).values["massnahme.grund"] == "Wert am Widget"


def test_radio_group_with_opt_indexes(filled):
    def change(fields):
        group = fields["beschluss_durchsuchung.status"]
        exports = ["beigefuegt", "wird_mitgefuehrt", "beantragt", "nicht_erforderlich"]
        group[NameObject("/Opt")] = ArrayObject(TextStringObject(e) for e in exports)
        for i, kid in enumerate(group["/Kids"]):
            kid = kid.get_object()
            n = kid["/AP"]["/N"]
            n[NameObject(f"/{i}")] = n.pop(f"/{exports[i]}")
            kid[NameObject("/AS")] = NameObject(f"/{i}" if i == 1 else "/Off")
        group[NameObject("/V")] = NameObject("/1")

    assert read_pdf(_rewrite(filled, change)).values["beschluss_durchsuchung.status"] == "wird_mitgefuehrt"


def test_radio_value_only_on_kid_state(filled):
    def change(fields):
        del fields["beschluss_durchsuchung.status"]["/V"]

    assert read_pdf(_rewrite(filled, change)).values["beschluss_durchsuchung.status"] == "beigefuegt"


@pytest.mark.parametrize("typed", ["Zeile 1\rZeile 2", "Zeile 1\r\nZeile 2", "Zeile 1\nZeile 2"])
def test_line_breaks_normalised(filled, typed):
    def change(fields):
        fields["gefaehrdung.ergebnis"][NameObject("/V")] = TextStringObject(typed)

    assert read_pdf(_rewrite(filled, change)).values["gefaehrdung.ergebnis"] == "Zeile 1\nZeile 2"


def test_utf16_value(filled):
    def change(fields):
        fields["person1.name"][NameObject("/V")] = TextStringObject("Doğan Yılmaz")

    assert read_pdf(_rewrite(filled, change)).values["person1.name"] == "Doğan Yılmaz"


def test_whitespace_only_is_unfilled(filled):
    def change(fields):
        fields["massnahme.grund"][NameObject("/V")] = TextStringObject("   ")

    assert read_pdf(_rewrite(filled, change)).values["massnahme.grund"] is None


def test_field_reference_loop_is_a_verdict_not_a_hang(filled):
    def change(fields):
        parent = fields["massnahme.grund"].raw_get("/Parent")
        parent.get_object()["/Kids"].append(parent)  # the tree now contains itself

    with pytest.raises(LimitError, match="Schleife"):
        read_pdf(_rewrite(filled, change))
