"""Checking values before they are written: against the JSON Schema, the formats and the boxes.

Every problem is collected (never only the first), each naming its field and a German reason.
Messages quote no personal value: only field names and choice values (KPB names, radio
options), which are the form's own words.
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from vhpdf.form.definition import Field, FieldType, FormDefinition, Requirement, Value
from vhpdf.form.layout import compute_layout
from vhpdf.form.messages import text
from vhpdf.form.schema import build_schema
from vhpdf.pdf.appearance import (
    LEADING,
    MIN_SIZE,
    PAD,
    UnencodableError,
    check_encodable,
    layout_text,
)
from vhpdf.pdf.font import load_font


class Kind(enum.Enum):
    """How bad a problem is: what cannot be written, a malformed value, a value the box cuts."""

    STRUCTURE = "structure"  # unknown field, wrong type, invalid choice, undrawable character
    FORMAT = "format"  # refuses in mandatory fields, warns elsewhere
    FIT = "fit"  # warns; refuses with --streng


@dataclass(frozen=True)
class Problem:
    field: str  # "" for the input as a whole
    reason: str
    kind: Kind
    mandatory: bool = False

    def refuses(self, strict: bool) -> bool:
        if self.kind is Kind.STRUCTURE or strict:
            return True
        return self.kind is Kind.FORMAT and self.mandatory

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


@dataclass(frozen=True)
class Checked:
    """Values ready to write (empty as None), the person blocks they need, and the problems."""

    values: dict[str, Value]
    persons: int
    problems: tuple[Problem, ...]

    def refusals(self, strict: bool = False) -> list[Problem]:
        return [p for p in self.problems if p.refuses(strict)]

    def warnings(self, strict: bool = False) -> list[Problem]:
        return [p for p in self.problems if not p.refuses(strict)]


_TYPE_WORDS = {str: "schreiben.typ_text", int: "schreiben.typ_zahl", float: "schreiben.typ_zahl",
               list: "schreiben.typ_liste", dict: "schreiben.typ_objekt"}


def _type_word(value: Any) -> str:
    if isinstance(value, bool) or value is None:  # JSON's own words
        return "true/false" if isinstance(value, bool) else "null"
    return text(_TYPE_WORDS.get(type(value), "schreiben.typ_unbekannt"))


def _expected(f: Field) -> str:
    if f.type is FieldType.CHECKBOX:
        return text("schreiben.erwartet_wahrheitswert")
    if f.type is FieldType.SIGNATURE:
        return text("schreiben.erwartet_keine_signatur")
    return text("schreiben.erwartet_text_oder_zahl" if f.format and f.format.value == "zahl"
                else "schreiben.erwartet_text")


def _suggest(word: str, choices: list[str], aliases: dict[str, str] | None = None) -> str:
    """' – meinten Sie „…“?' for the closest choice (or alias, naming what it stands for)."""
    folded = {**(aliases or {}), **{c.casefold(): c for c in choices}}
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return text("schreiben.meinten_sie", wert=folded[close[0]]) if close else ""


def kpb_aliases(form: FormDefinition) -> dict[str, str]:
    """Short KPB names as the reports print them ('PP Bielefeld', 'KPB Unna') -> option value."""
    out = {}
    for k in form.kpb:
        short = f"{'PP' if k.art == 'pp' else 'KPB'} {k.ort}"
        out[short.casefold()] = k.name
        out[k.ort.casefold()] = k.name
    return out


_VALIDATORS: dict[int, tuple[FormDefinition, Draft202012Validator]] = {}


def _validator(form: FormDefinition) -> Draft202012Validator:
    """The schema validator of `form`, built once (definitions are loaded once and kept)."""
    if id(form) not in _VALIDATORS:
        _VALIDATORS[id(form)] = (form, Draft202012Validator(build_schema(form)))
    return _VALIDATORS[id(form)][1]


def _schema_problem(f: Field, error: Any, aliases: dict[str, str]) -> Problem:
    mandatory = f.requirement is Requirement.PFLICHT
    if error.validator == "pattern" and f.format is not None:
        return Problem(f.name, text("schreiben.ungueltiges_format", format=f.format.description), Kind.FORMAT,
                       mandatory)
    if f.type is FieldType.SIGNATURE:
        return Problem(f.name, _expected(f), Kind.STRUCTURE)
    if error.validator == "enum" and isinstance(error.instance, str):
        hint = _suggest(error.instance, list(f.option_values), aliases)
        shown = error.instance if len(error.instance) <= 40 else error.instance[:39] + "…"
        return Problem(f.name, text("schreiben.ungueltige_auswahl", wert=shown, hinweis=hint), Kind.STRUCTURE)
    if error.validator == "maxLength":
        return Problem(f.name, text("schreiben.zu_lang", zeichen=f.max_length), Kind.STRUCTURE)
    if error.validator == "minimum":
        return Problem(f.name, text("schreiben.negativ"), Kind.STRUCTURE)
    return Problem(f.name, text("schreiben.falscher_typ", erwartet=_expected(f), typ=_type_word(error.instance)),
                   Kind.STRUCTURE)


def _cut(value: str, w: float, h: float, multiline: bool) -> tuple[int, int] | None:
    """(characters visible, characters in all) when the box cuts `value` at MIN_SIZE, else None."""
    tl = layout_text(value, w, h, multiline)
    if tl.fits:
        return None
    total = sum(len(line) for line in tl.lines)
    if multiline:
        first = h - PAD - MIN_SIZE * 0.95
        shown = [line for i, line in enumerate(tl.lines)
                 if first - i * MIN_SIZE * LEADING - 0.25 * MIN_SIZE >= 0]
        return sum(len(line) for line in shown), total
    font, line = load_font(), tl.lines[0]
    lo, hi = 0, len(line)
    while lo < hi:  # the longest prefix that fits
        mid = (lo + hi + 1) // 2
        if font.width(line[:mid], MIN_SIZE) <= w - 2 * PAD:
            lo = mid
        else:
            hi = mid - 1
    return lo, total


def _fit_problems(form: FormDefinition, values: dict[str, Value], persons: int) -> list[Problem]:
    fields = form.field_map(persons)
    out = []
    for widget in compute_layout(form, persons).widgets:
        value = values.get(widget.field.name)
        if widget.export is not None or not isinstance(value, str) or not value:
            continue
        cut = _cut(value, widget.rect.w, widget.rect.h, fields[widget.field.name].multiline)
        if cut:
            shown, total = cut
            out.append(Problem(widget.field.name, text("schreiben.passt_nicht", sichtbar=shown, zeichen=total),
                               Kind.FIT))
    return out


def check_values(form: FormDefinition, data: Any, fit: bool = True) -> Checked:
    """Check `data` (field name -> value); every problem is returned, none raised."""
    if not isinstance(data, dict):
        problem = Problem("", text("schreiben.kein_objekt"), Kind.STRUCTURE)
        return Checked({}, form.repeat.default, (problem,))
    known = form.field_map(form.repeat.max)
    aliases = kpb_aliases(form)
    data = dict(data)
    kpb = data.get(form.kpb_field)
    if isinstance(kpb, str) and kpb not in known[form.kpb_field].option_values:
        data[form.kpb_field] = aliases.get(" ".join(kpb.split()).casefold(), kpb)
    problems = [Problem(str(name), text("schreiben.unbekanntes_feld", hinweis=_suggest(str(name), list(known))),
                        Kind.STRUCTURE) for name in data if name not in known]
    for error in _validator(form).iter_errors(data):
        if error.path:
            name = str(error.path[0])
            problems.append(_schema_problem(known[name], error,
                                            aliases if name == form.kpb_field else {}))
    bad = {p.field for p in problems}
    for name, value in data.items():
        if name in bad or name not in known or not isinstance(value, str) or not value.strip():
            continue
        f = known[name]
        if f.format is not None and not f.format.accepts(value):
            problems.append(Problem(name, text("schreiben.ungueltiges_format", format=f.format.description),
                                    Kind.FORMAT, f.requirement is Requirement.PFLICHT))
        try:
            check_encodable(value)
        except UnencodableError as exc:
            problems.append(Problem(name, unencodable_reason(exc.char), Kind.STRUCTURE))
    values: dict[str, Value] = {
        name: (None if v == "" else str(v) if isinstance(v, int) and not isinstance(v, bool) else v)
        for name, v in data.items() if name in known and known[name].type is not FieldType.SIGNATURE}
    persons = max(form.repeat.default, form.persons_in(values))
    if fit:  # fields refused for other reasons are not measured
        broken = {p.field for p in problems if p.kind is Kind.STRUCTURE}
        problems += _fit_problems(form, {k: v for k, v in values.items() if k not in broken}, persons)
    order = {name: i for i, name in enumerate(known)}  # problems in form order, unknown names last
    problems.sort(key=lambda p: order.get(p.field, len(order)))
    return Checked(values, persons, tuple(problems))


def unencodable_reason(char: str) -> str:
    return text("schreiben.zeichen_ohne_schrift", zeichen=repr(char), code=ord(char),
                name=unicodedata.name(char, text("schreiben.zeichen_ohne_namen")))

