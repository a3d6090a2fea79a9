"""Print copies: every field redrawn from its stored value with the embedded font.

Whatever program filled the form, its appearance streams may misdraw names (pdftk writes
unusable codes, PDFium drops ı, ğ, Ș, Ț). The print copy keeps every field and value as they
are and replaces only what is drawn: text and choice widgets get a fresh appearance in
VhpdfSans, checkboxes and radio buttons show the state their value names, a stale selected
index (/I) is corrected, and
/NeedAppearances is removed so no viewer redraws them with its own fonts again.
"""

from __future__ import annotations

import io
import os
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from vhpdf.form.definition import FormDefinition, load_definition
from vhpdf.pdf.appearance import (
    MULTILINE_SIZE,
    SIZE,
    TEXT_FONT,
    UnencodableError,
    check_encodable,
    text_stream,
)
from vhpdf.pdf.flags import FieldFlag
from vhpdf.pdf.font import PS_NAME
from vhpdf.pdf.pypdf_compat import adder
from vhpdf.pdf.type0 import type0_font
from vhpdf.read.extract import open_reader, read_pdf
from vhpdf.read.fields import field_value, terminal_fields
from vhpdf.read.files import read_file
from vhpdf.write.fill import form_xobject, on_state, own_metadata, unencodable_message, widget_size


class DruckError(Exception):
    """The print copy cannot be made; `problems` lists every reason in German."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems

    def __reduce__(self):  # raised in a worker process, re-raised in the parent
        return DruckError, (self.problems,)


def _our_font(writer: PdfWriter, fonts: DictionaryObject):
    """The document's VhpdfSans Type0 font if it has one intact, else a newly added copy."""
    for ref in fonts.values():
        font = ref.get_object()
        if (font.get("/BaseFont") == "/" + PS_NAME and font.get("/Subtype") == "/Type0"
                and font.get("/Encoding") == "/Identity-H" and "/ToUnicode" in font):
            return ref
    return type0_font(adder(writer))


def _states(widget) -> set[str]:
    ap = widget.get("/AP")
    normal: Any = ap.get_object().get("/N") if ap is not None else None
    normal = normal.get_object() if normal is not None else None
    return {str(k) for k in normal} if hasattr(normal, "keys") and not hasattr(
        normal, "get_data") else set()


def print_copy(data: bytes, form: FormDefinition | None = None, password: str | None = None) -> bytes:
    """A copy of the filled form `data` whose fields all print their stored values.

    Raises an ExtractError subclass if `data` is no readable Vollzugshilfeersuchen and
    DruckError if a value holds a character the embedded font cannot draw.
    """
    form = form or load_definition()
    ex = read_pdf(data, form, password)
    writer = PdfWriter(clone_from=open_reader(data, password))
    own_metadata(writer, form, ex.form_id, ex.form_version)
    acro = writer._root_object["/AcroForm"].get_object()
    acro.pop("/NeedAppearances", None)
    acro.pop("/XFA", None)  # an XFA layer would be shown instead of the fields by some viewers
    dr = acro.get("/DR")
    if dr is None:
        dr = DictionaryObject()
        acro[NameObject("/DR")] = dr
    dr = dr.get_object()
    if "/Font" not in dr:
        dr[NameObject("/Font")] = DictionaryObject()
    fonts = dr["/Font"].get_object()
    font_ref = _our_font(writer, fonts)
    fonts[NameObject("/" + TEXT_FONT)] = font_ref
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/" + TEXT_FONT): font_ref})})

    problems = []
    for name, (attrs, node, widgets) in terminal_fields(acro.get("/Fields")).items():
        ft, flags = str(attrs.get("/FT", "")), int(attrs.get("/Ff", 0) or 0)
        if ft == "/Btn" and not flags & FieldFlag.PUSHBUTTON:
            _redraw_button(attrs, widgets, flags)
            continue
        if ft not in ("/Tx", "/Ch"):
            continue
        value = field_value(attrs, node, widgets)
        text = value if isinstance(value, str) else ""
        try:
            check_encodable(text)
        except UnencodableError as exc:
            problems.append(unencodable_message(name, exc.char))
            continue
        _fix_selection(node, attrs, text)
        multiline = bool(flags & FieldFlag.MULTILINE)
        for w in widgets:
            width, height = widget_size(w)
            stream = text_stream(text, width, height, multiline)
            w[NameObject("/AP")] = DictionaryObject({NameObject("/N"): form_xobject(
                stream, width, height, resources, adder(writer))})
            w[NameObject("/DA")] = TextStringObject(
                f"/{TEXT_FONT} {MULTILINE_SIZE if multiline else SIZE:g} Tf 0 g")
    if problems:
        raise DruckError(problems)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _fix_selection(node, attrs: dict, text: str) -> None:
    """A choice field's selected index (/I) must name its value, or some viewers show an old
    choice; it is derived data, so it is set from the value or dropped."""
    if "/I" not in node:
        return
    opt: Any = attrs.get("/Opt")
    options = [str(o[0] if isinstance(o, list) else o) for o in (opt.get_object() if opt is not None else ())]
    if text in options:
        node[NameObject("/I")] = ArrayObject([NumberObject(options.index(text))])
    else:
        node.pop("/I")


def _redraw_button(attrs: dict, widgets: list, flags: int) -> None:
    """Make every widget's /AS show the state the field's value names."""
    v = attrs.get("/V")
    state = str(v.get_object()) if v is not None else "/Off"
    for w in widgets:
        states = _states(w)
        if not states:
            continue
        if not flags & FieldFlag.RADIO and state != "/Off" and state not in states:
            wanted = on_state(w)  # a checkbox whose /V names another on-state: still ticked
        else:
            wanted = state if state in states else "/Off"
        w[NameObject("/AS")] = NameObject(wanted or "/Off")




def print_file(path: str | os.PathLike, password: str | None = None) -> bytes:
    """The print copy of a file on disk (read only; the file is never modified).

    The copy of an encrypted file is not encrypted: it is written for the printer, owner-only.
    """
    return print_copy(read_file(path), password=password)
