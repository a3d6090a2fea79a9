"""The data contract as a JSON Schema (draft 2020-12), derived from the form definition.

Case systems validate their exports with it; `vhpdf fill` validates every input with it too, so
the schema and the filler cannot disagree. Patterns check the shape of a value (a date is
TT.MM.JJJJ); whether it is a real date is the filler's second look (formats.Format.accepts).
"""

from __future__ import annotations

from typing import Any

from vhpdf.form.definition import Field, FieldType, FormDefinition
from vhpdf.form.formats import Format
from vhpdf.form.messages import text

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# The shapes formats.py checks (one home for each pattern), anchored; surrounding blanks and the
# empty string (not filled) are allowed, as there.
PATTERNS = {fmt: rf"^\s*({fmt.pattern.pattern})?\s*$" for fmt in Format}


def field_schema(f: Field) -> dict[str, Any]:
    """The schema of one field's value."""
    out: dict[str, Any] = {"title": f.label, "description": f.tooltip}
    if f.requirement.value != "optional":
        out["description"] = text("formular.schema_pflicht" if f.requirement.value == "pflicht"
                                  else "formular.schema_soll", beschreibung=out["description"])
    if f.type is FieldType.SIGNATURE:
        out["enum"] = [None, False]  # false: unsigned, as `vhpdf extract` reports it
        out["description"] = text("formular.schema_signatur", beschreibung=out["description"])
    elif f.type is FieldType.CHECKBOX:
        out["type"] = ["boolean", "null"]
    elif f.options:
        out["enum"] = [*f.option_values, "", None]
    elif f.format is Format.ZAHL:
        out["type"] = ["string", "integer", "null"]
        out["pattern"] = PATTERNS[Format.ZAHL]
        out["minimum"] = 0
    else:
        out["type"] = ["string", "null"]
        if f.format is not None:
            out["pattern"] = PATTERNS[f.format]
            out["description"] = text("formular.schema_format", beschreibung=out["description"],
                                      format=f.format.description)
            if f.format is Format.EMAIL:
                out["format"] = "email"
        if f.max_length:
            out["maxLength"] = f.max_length
    return out


def build_schema(form: FormDefinition) -> dict[str, Any]:
    """The JSON Schema of a data file for `form`: every field of the largest form, nothing else."""
    fields = form.fields(form.repeat.max)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:vhpdf:{form.id}:{form.version}",
        "title": text("formular.schema_titel", titel=form.title, version=form.version),
        "description": text("formular.schema_beschreibung", block=form.repeat.key, hoechstens=form.repeat.max),
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "additionalProperties": False,
    }
