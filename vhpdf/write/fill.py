"""Filling: validate values against the definition and write them into form fields.

Values are written the way viewers that do not regenerate appearances need them: /V on the
field, /AS on every widget agreeing with /V, and a real /AP stream for every text and choice
widget — so nothing depends on /NeedAppearances and Acrobat does not ask to save on open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from vhpdf.form.definition import Field, FieldType, FormDefinition, Value
from vhpdf.pdf.appearance import (
    check_stream,
    radio_stream,
    text_stream,
)
from vhpdf.pdf.contentstream import SHOWS_KEY, shown_digest
from vhpdf.write.validate import Kind, check_values, unencodable_reason

CHECK_ON = "/Ja"  # the on-state of vhpdf's checkboxes (Acrobat's German default)


class FillError(Exception):
    """The values cannot be filled in; `problems` lists every reason in German."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def unencodable_message(name: str, char: str) -> str:
    return f"{name}: {unencodable_reason(char)}"


def validate_values(form: FormDefinition, data: Any) -> tuple[dict[str, Value], int]:
    """Check `data` (field name -> value) for what cannot be written at all.

    Returns the values to fill (empty strings as None) and the number of person blocks the form
    needs. Raises FillError listing every unknown name and invalid value; nothing is dropped.
    Format and fit are the caller's choice (validate.check_values, as `vhpdf fill` does).
    """
    checked = check_values(form, data, fit=False)
    refused = [str(p) for p in checked.problems if p.kind is Kind.STRUCTURE]
    if refused:
        raise FillError(refused)
    return checked.values, checked.persons


AddObject = Callable[[Any], Any]


def form_xobject(content: bytes, w: float, h: float, resources: DictionaryObject | None,
                  add: AddObject):
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(w),
                                          FloatObject(h)]),
    })
    if resources is not None:
        stream[NameObject("/Resources")] = resources
    return add(stream)


def widget_size(widget: DictionaryObject) -> tuple[float, float]:
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    return abs(x2 - x1), abs(y2 - y1)


def on_state(widget: DictionaryObject) -> str | None:
    """The widget's on-state name (e.g. '/Ja', '/Yes', '/beigefuegt'), from its appearances."""
    ap = widget.get("/AP")
    normal = ap.get_object().get("/N") if ap is not None else None
    if normal is None or not hasattr(normal.get_object(), "keys"):
        return None
    return next((str(k) for k in normal.get_object() if k != "/Off"), None)


def button_appearances(on_name: str, size: float, radio: bool, add: AddObject,
                       resources: DictionaryObject) -> DictionaryObject:
    draw = radio_stream if radio else check_stream
    return DictionaryObject({NameObject("/N"): DictionaryObject({
        NameObject(on_name): form_xobject(draw(True, size), size, size, resources, add),
        NameObject("/Off"): form_xobject(draw(False, size), size, size, resources, add),
    })})


def write_value(field_obj: DictionaryObject, widgets: list[DictionaryObject], field: Field,
                value: Value, resources: DictionaryObject, add: AddObject) -> None:
    """Set `value` on a field and make every widget show it."""
    if field.type in (FieldType.CHECKBOX, FieldType.RADIO):
        wanted = None
        if field.type is FieldType.CHECKBOX and value:
            wanted = on_state(widgets[0])
        elif field.type is FieldType.RADIO and isinstance(value, str) and value:
            wanted = "/" + value
        field_obj[NameObject("/V")] = NameObject(wanted or "/Off")
        for w in widgets:
            state = on_state(w)
            w[NameObject("/AS")] = NameObject(state if state == wanted else "/Off")
        return
    text = "" if value is None else str(value)
    if value is None:
        field_obj.pop("/V", None)
    else:
        field_obj[NameObject("/V")] = TextStringObject(text)
    field_obj.pop("/I", None)  # a stale selected index makes some viewers show an old choice
    for w in widgets:
        width, height = widget_size(w)
        stream = text_stream(text, width, height, field.multiline)
        normal = form_xobject(stream, width, height, resources, add)
        normal.get_object()[NameObject(SHOWS_KEY)] = TextStringObject(shown_digest(text, stream))
        w[NameObject("/AP")] = DictionaryObject({NameObject("/N"): normal})


def own_metadata(writer: Any, form: FormDefinition, form_id: str | None, version: str | None) -> None:
    """Replace a copied file's document info and XMP with vhpdf's own neutral words.

    A received file's metadata may name its author or a person in the title; a copy made from
    it (print copy, flat copy) keeps only the form's title and identity.
    """
    from vhpdf import __version__
    from vhpdf.form.identity import INFO_FORM_ID, INFO_FORM_VERSION

    writer._root_object.pop("/Metadata", None)
    writer.metadata = {"/Title": form.title, "/Producer": f"vhpdf {__version__}",
                       INFO_FORM_ID: form_id or form.id, INFO_FORM_VERSION: version or form.version}
