"""Findings about the printout: does each field print what it stores, and all of it?

A filler can store a name right and draw it wrong; the KPB prints what is drawn. These checks
compare the decoded appearance (drawn.py) with the stored value, and lay the value out the way
`vhpdf druck` would to see whether it fits its box at the minimum font size.
"""

from __future__ import annotations

import unicodedata

from vhpdf.form.definition import FieldType, FormDefinition, Severity
from vhpdf.pdf.appearance import (
    MIN_SIZE,
    UnencodableError,
    check_encodable,
    layout_text,
)
from vhpdf.read.extract import Extraction

RULE_DRAWN, RULE_CUT, RULE_FONT = "darstellung-abweichend", "druck-abgeschnitten", "druck-zeichen"
_DRUCK = "Mit „vhpdf druck DATEI -o AUSGABE“ eine Druckfassung erzeugen, die die gespeicherten Werte zeigt."


def _canonical(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _shown(text: str) -> str:
    return " ".join(text.split())


def _button_finding(f, name: str, value, printed: str) -> list:
    if f.type is FieldType.CHECKBOX:
        if bool(value) == bool(printed):
            return []
        shown, stored = (("angekreuzt", "nicht angekreuzt") if printed
                         else ("nicht angekreuzt", "angekreuzt"))
    elif f.type is FieldType.RADIO:
        if (value or "") == printed:
            return []
        labels = {o.value: o.label for o in f.options}
        shown = " und ".join(f"„{labels.get(p, p)}“" for p in printed.split("|")) if printed \
            else "keine Auswahl"
        stored = f"„{labels.get(value, value)}“" if value else "keine Auswahl"
    else:
        return []
    return [(RULE_DRAWN, Severity.WARNUNG, name,
             f"{f.label} ({name}): Das Feld zeigt im Ausdruck {shown}, gespeichert ist {stored}. "
             f"{_DRUCK}")]


def print_findings(form: FormDefinition, ex: Extraction,
                   with_values: bool = False) -> list[tuple[str, Severity, str, str]]:
    """(rule, severity, field name, German message) for every field that misprints.

    The printed and stored text are quoted only `with_values`: by default a report says what
    is wrong, not whose name it is.
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
            if with_values:
                shown = f"„{drawn}“" if drawn else "nichts"
                detail = f"zeigt im Ausdruck {shown}, gespeichert ist „{_shown(stored)}“"
            else:
                detail = ("zeigt im Ausdruck nichts" if not drawn else
                          "zeigt im Ausdruck einen anderen Text, als gespeichert ist (Wortlaut mit --mit-werten)")
            out.append((RULE_DRAWN, Severity.WARNUNG, name, f"{f.label} ({name}): Das Feld {detail}. {_DRUCK}"))
        if not stored:
            continue
        try:
            check_encodable(stored)
        except UnencodableError as exc:
            out.append((RULE_FONT, Severity.WARNUNG, name,
                        f"{f.label} ({name}): Das Zeichen „{exc.char}“ (U+{ord(exc.char):04X}) kann auch "
                        "vhpdf druck nicht darstellen; den Eintrag im Ausdruck von Hand prüfen."))
            continue
        if not layout_text(stored, ap.width, ap.height, ap.multiline).fits:
            out.append((RULE_CUT, Severity.HINWEIS, name,
                        f"{f.label} ({name}): Der Eintrag passt auch in der kleinsten Schriftgröße "
                        f"({MIN_SIZE:g} pt) nicht vollständig in das Feld und ist im Ausdruck "
                        "abgeschnitten; den vollständigen Text als Anlage beifügen."))
    return out
