"""BITV 2.0 / EN 301 549 ch. 10 / PDF/UA-1 form rules on the generated file."""

from __future__ import annotations

import subprocess

from pypdf import PdfReader


def _structure(reader: PdfReader):
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    document = tree["/K"].get_object()
    return tree, document


def test_document_properties(form, blank_pdf):
    reader = PdfReader(blank_pdf)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert root["/Lang"] == "de-DE" == form.language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert reader.metadata.title == form.title
    assert all(page["/Tabs"] == "/S" for page in reader.pages)
    assert "/NeedAppearances" not in root["/AcroForm"]
    info = subprocess.run(["pdfinfo", str(blank_pdf)], check=True, capture_output=True,
                          text=True).stdout
    assert "Tagged:          yes" in info


def _terminal_fields(refs, out):
    for ref in refs:
        node = ref.get_object()
        kids = [k for k in node.get("/Kids", ()) if "/T" in k.get_object()]
        if kids:
            _terminal_fields(kids, out)
        else:
            out.append(node)
    return out


def test_every_field_has_a_description(form, blank_pdf):
    reader = PdfReader(blank_pdf)
    fields = _terminal_fields(reader.trailer["/Root"]["/AcroForm"]["/Fields"], [])
    names = [str(f["/T"]) for f in fields]
    assert len(fields) == len(form.field_map(4)) + 1 and "vhpdf_vollstaendigkeit_pruefen" in names
    assert [f.get("/T") for f in fields if not str(f.get("/TU", "")).strip()] == []


def test_every_widget_is_a_form_element_in_reading_order(blank_pdf):
    reader = PdfReader(blank_pdf)
    tree, document = _structure(reader)
    parent_tree = tree["/ParentTree"]["/Nums"]
    parents = {int(parent_tree[i]): parent_tree[i + 1] for i in range(0, len(parent_tree), 2)}

    widgets = []  # (page, top, x, idnum) of every widget as placed on the page
    for index, page in enumerate(reader.pages):
        for ref in page["/Annots"]:
            w = ref.get_object()
            assert w["/Subtype"] == "/Widget"
            x1, y1, x2, y2 = (float(v) for v in w["/Rect"])
            widgets.append((index, -max(y1, y2), min(x1, x2), ref.idnum))
            elem = parents[int(w["/StructParent"])].get_object()
            assert elem["/S"] == "/Form"
            assert elem["/K"].raw_get("/Obj").idnum == ref.idnum

    in_structure = [k.get_object()["/K"].raw_get("/Obj").idnum for k in document["/K"]
                    if k.get_object()["/S"] == "/Form"]
    assert sorted(in_structure) == sorted(w[3] for w in widgets)  # each widget exactly once
    assert in_structure == [w[3] for w in sorted(widgets)]  # top to bottom, left to right


def test_text_is_tagged_for_screen_readers(form, blank_pdf):
    out = subprocess.run(["pdfinfo", "-struct-text", str(blank_pdf)], check=True,
                         capture_output=True).stdout.decode("utf-8", "replace")
    assert f'H1 (block)\n    "{form.title}"' in out
    for section in form.sections:  # poppler prints the no-break space after "§" as a space
        assert f'"{section.heading.replace(chr(0xA0), " ")}"' in out
    assert out.count("  Form\n") == sum(1 for _ in _widgets(blank_pdf))


def _widgets(pdf):
    for page in PdfReader(pdf).pages:
        yield from page["/Annots"]
