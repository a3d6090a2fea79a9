"""Findings about the printout: does each field print what it stores, and all of it?

A filler can store a name right and draw it wrong; the KPB prints what is drawn. These checks
compare the decoded appearance (drawn.py) with the stored value, and lay the value out the way
`vhpdf druck` would to see whether it fits its box at the minimum font size.
"""

from __future__ import annotations

import functools
import unicodedata

from vhpdf.form.definition import FieldType, FormDefinition, Severity
from vhpdf.form.messages import text
from vhpdf.pdf.appearance import (
    MIN_SIZE,
    UnencodableError,
    check_encodable,
    layout_text,
)
from vhpdf.read.extract import Extraction

RULE_DRAWN, RULE_CUT, RULE_FONT = "darstellung-abweichend", "druck-abgeschnitten", "druck-zeichen"


def _canonical(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _shown(text: str) -> str:
    return " ".join(text.split())


def _button_finding(f, name: str, value, printed: str) -> list:
    if f.type is FieldType.CHECKBOX:
        if bool(value) == bool(printed):
            return []
        checked, unchecked = text("pruefung.angekreuzt"), text("pruefung.nicht_angekreuzt")
        shown, stored = (checked, unchecked) if printed else (unchecked, checked)
    elif f.type is FieldType.RADIO:
        if (value or "") == printed:
            return []
        labels = {o.value: o.label for o in f.options}
        quoted = [text("pruefung.zitat", wert=labels.get(p, p)) for p in printed.split("|")] if printed else []
        shown = functools.reduce(lambda a, b: text("pruefung.auswahl_und", erste=a, weitere=b), quoted) \
            if quoted else text("pruefung.keine_auswahl")
        stored = text("pruefung.zitat", wert=labels.get(value, value)) if value else text("pruefung.keine_auswahl")
    else:
        return []
    return [(RULE_DRAWN, Severity.WARNUNG, name,
             text("pruefung.druck_abweichend", label=f.label, name=name, gezeigt=shown, gespeichert=stored,
                  hinweis=text("pruefung.druck_hinweis")), "")]


def print_findings(form: FormDefinition, ex: Extraction,
                   with_values: bool = False) -> list[tuple[str, Severity, str, str, str]]:
    """(rule, severity, field name, German message, quoting message) for every field that misprints.

    The message never quotes a value: it says what is wrong, not whose name it is. The quoting
    message (printed and stored text) is made only `with_values`, and shown only where the user
    asked for values. Checkbox and option labels are the form's words, not values.
    """
    fields = form.field_map(ex.persons)
    out = []
    for name, ap in ex.appearances.items():
        f = fields.get(name)
        if f is None:
            continue
        value = ex.values.get(name)
        if ap.kind == "button":
            out += _button_finding(f, name, value, ap.printed)
            continue
        stored = value if isinstance(value, str) else ""
        if _canonical(ap.printed) != _canonical(stored):
            drawn = _shown(ap.printed)
            hint = text("pruefung.druck_hinweis")
            message = text("pruefung.druck_anders" if drawn else "pruefung.druck_leer",
                           label=f.label, name=name, hinweis=hint)
            quoted = ""
            if with_values:
                shown = text("pruefung.zitat", wert=drawn) if drawn else text("pruefung.nichts")
                quoted = text("pruefung.druck_abweichend", label=f.label, name=name, gezeigt=shown,
                              gespeichert=text("pruefung.zitat", wert=_shown(stored)), hinweis=hint)
            out.append((RULE_DRAWN, Severity.WARNUNG, name, message, quoted))
        if not stored:
            continue
        try:
            check_encodable(stored)
        except UnencodableError as exc:
            out.append((RULE_FONT, Severity.WARNUNG, name,
                        text("pruefung.druck_zeichen", label=f.label, name=name, zeichen=exc.char,
                             code=ord(exc.char)), ""))
            continue
        if not layout_text(stored, ap.width, ap.height, ap.multiline).fits:
            out.append((RULE_CUT, Severity.HINWEIS, name,
                        text("pruefung.druck_abgeschnitten", label=f.label, name=name, groesse=MIN_SIZE), ""))
    return out
