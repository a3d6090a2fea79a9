"""Findings about the printout: does each field print what it stores, and all of it?

A filler can store a name right and draw it wrong; the KPB prints what is drawn. These checks
compare the decoded appearance (drawn.py) with the stored value, and lay the value out the way
`vhpdf druck` would to see whether it fits its box at the minimum font size.
"""

from __future__ import annotations

import functools
import unicodedata

from vhpdf.check.result import MISPRINT_RULE, Finding
from vhpdf.form.definition import FieldType, FormDefinition, Severity
from vhpdf.form.messages import text
from vhpdf.pdf.appearance import (
    MIN_SIZE,
    UnencodableError,
    check_encodable,
    layout_text,
)
from vhpdf.pdf.drawn import AppearanceKind
from vhpdf.read.extract import Extraction

RULE_DRAWN, RULE_CUT, RULE_FONT = MISPRINT_RULE, "druck-abgeschnitten", "druck-zeichen"


def _canonical(value: str) -> str:
    return "".join(unicodedata.normalize("NFC", value).split())


def _shown(value: str) -> str:
    return " ".join(value.split())


def _button_misprint(f, value, printed: str) -> str | None:
    """What a check box or radio group prints instead of what it stores, or None if it agrees."""
    if f.type is FieldType.CHECKBOX:
        if bool(value) == bool(printed):
            return None
        checked, unchecked = text("pruefung.angekreuzt"), text("pruefung.nicht_angekreuzt")
        shown, stored = (checked, unchecked) if printed else (unchecked, checked)
    elif f.type is FieldType.RADIO:
        if (value or "") == printed:
            return None
        labels = {o.value: o.label for o in f.options}
        quoted = [text("pruefung.zitat", wert=labels.get(p, p)) for p in printed.split("|")] if printed else []
        shown = functools.reduce(lambda a, b: text("pruefung.auswahl_und", erste=a, weitere=b), quoted) \
            if quoted else text("pruefung.keine_auswahl")
        stored = text("pruefung.zitat", wert=labels.get(value, value)) if value else text("pruefung.keine_auswahl")
    else:
        return None
    return text("pruefung.druck_abweichend", label=f.label, gezeigt=shown, gespeichert=stored)


def _text_misprint(f, stored: str, printed: str, with_values: bool) -> tuple[str, str] | None:
    """(what to say without values, what to say with them) if a text field misprints."""
    if _canonical(printed) == _canonical(stored):
        return None
    drawn = _shown(printed)
    plain = text("pruefung.druck_anders" if drawn else "pruefung.druck_leer", label=f.label)
    if not with_values:
        return plain, ""
    shown = text("pruefung.zitat", wert=drawn) if drawn else text("pruefung.nichts")
    return plain, text("pruefung.druck_abweichend", label=f.label, gezeigt=shown,
                       gespeichert=text("pruefung.zitat", wert=_shown(stored)))


def print_findings(form: FormDefinition, ex: Extraction,
                   with_values: bool = False) -> list[Finding]:
    """The findings about the printout: all misprinting fields in one finding, then per field
    what no printout can show (unencodable characters, text cut off at the minimum size).

    The message never quotes a value: it says what is wrong, not whose name it is. The quoting
    message (printed and stored text) is made only `with_values`, and shown only where the user
    asked for values. Checkbox and option labels are the form's words, not values.
    """
    fields = form.field_map(ex.persons)
    misprints: dict[str, tuple[str, str]] = {}  # field name -> (plain, quoted) what it prints
    out = []
    for name, ap in ex.appearances.items():
        f = fields.get(name)
        if f is None:
            continue
        value = ex.values.get(name)
        if ap.kind is AppearanceKind.BUTTON:
            wrong = _button_misprint(f, value, ap.printed)
            if wrong:  # option labels are the form's words, not a person's values
                misprints[name] = (wrong, wrong)
            continue
        stored = value if isinstance(value, str) else ""
        texts = _text_misprint(f, stored, ap.printed, with_values)
        if texts:
            misprints[name] = texts
        if not stored:
            continue
        try:
            check_encodable(stored)
        except UnencodableError as exc:
            out.append(Finding(RULE_FONT, Severity.WARNUNG, (name,),
                               text("pruefung.druck_zeichen", label=f.label, name=name, zeichen=exc.char,
                                    code=ord(exc.char)), short=text("pruefung.druck_zeichen_kurz")))
            continue
        if not layout_text(stored, ap.width, ap.height, ap.multiline).fits:
            out.append(Finding(RULE_CUT, Severity.HINWEIS, (name,),
                               text("pruefung.druck_abgeschnitten", label=f.label, name=name, groesse=MIN_SIZE),
                               short=text("pruefung.druck_abgeschnitten_kurz")))
    if misprints:
        key = "pruefung.druck_gruppe_eins" if len(misprints) == 1 else "pruefung.druck_gruppe"
        plain = text(key, anzahl=len(misprints), felder="; ".join(m[0] for m in misprints.values()))
        quoted = (text(key, anzahl=len(misprints), felder="; ".join(m[1] or m[0] for m in misprints.values()))
                  if with_values else "")
        grouped = Finding(RULE_DRAWN, Severity.WARNUNG, tuple(misprints), plain,
                          short=text("pruefung.druck_gruppe_kurz"), quoted=quoted)
        out.insert(0, grouped)
    return out
