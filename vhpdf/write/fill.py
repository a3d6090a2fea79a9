"""Filling: validate values against the definition and write them into form fields.

Values are written the way viewers that do not regenerate appearances need them: /V on the
field, /AS on every widget agreeing with /V, and a real /AP stream for every text and choice
widget — so nothing depends on /NeedAppearances and Acrobat does not ask to save on open.
"""

from __future__ import annotations

import unicodedata
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
    UnencodableError,
    check_encodable,
    check_stream,
    radio_stream,
    text_stream,
)
from vhpdf.pdf.contentstream import SHOWS_KEY, shown_digest


class FillError(Exception):
    """The values cannot be filled in; `problems` lists every reason in German."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _problem(field: Field, value: Any) -> str | None:
    if value is None:
        return None
    if field.type is FieldType.SIGNATURE:
        return f"{field.name}: ein Signaturfeld kann nicht vorausgefüllt werden"
    if field.type is FieldType.CHECKBOX:
        return None if isinstance(value, bool) else f"{field.name}: true oder false erwartet"
    if not isinstance(value, str):
        return f"{field.name}: Text erwartet, gefunden: {type(value).__name__}"
    if field.options and value and value not in field.option_values:
        allowed = ", ".join(field.option_values)
        return f"{field.name}: ungültige Auswahl {value!r} (erlaubt: {allowed})"
    try:
        check_encodable(value)
    except UnencodableError as exc:
        return unencodable_message(field.name, exc.char)
    return None


def unencodable_message(name: str, char: str) -> str:
    return (f"{name}: das Zeichen {char!r} (U+{ord(char):04X}, "
            f"{unicodedata.name(char, 'ohne Namen')}) kann die Schrift des Formulars nicht "
            "darstellen")


def validate_values(form: FormDefinition, data: Any) -> tuple[dict[str, Value], int]:
    """Check `data` (field name -> value) against the definition.

    Returns the values to fill (empty strings as None) and the number of person blocks the form
    needs. Raises FillError listing every unknown name and invalid value; nothing is dropped.
    """
    if not isinstance(data, dict):
        raise FillError(["Die Daten müssen ein JSON-Objekt sein (Feldname → Wert)."])
    known = form.field_map(form.repeat.max)
    problems = [f"{name}: unbekanntes Feld" for name in data if name not in known]
    problems += [p for name, v in data.items() if name in known
                 if (p := _problem(known[name], v))]
    if problems:
        raise FillError(problems)
    persons = max(form.repeat.default, form.persons_in(data))
    values = {name: (None if v == "" else v) for name, v in data.items()}
    return values, persons


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
