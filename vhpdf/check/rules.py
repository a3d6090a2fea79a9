"""The rules engine: the catalogue from forms/ applied to one request's extracted values.

The engine knows only the condition tests (definition.Test); which fields a rule names, its
severity, legal basis and message all come from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable

from vhpdf.check.facts import key_facts
from vhpdf.check.result import Finding, Result, Status
from vhpdf.form.definition import (
    Condition,
    Field,
    FieldType,
    FormDefinition,
    Rule,
    Severity,
    Test,
    Value,
    filled,
)
from vhpdf.form.formats import Format, parse_date, parse_time
from vhpdf.form.messages import text
from vhpdf.read.extract import Extraction


class _Evaluator:
    def __init__(self, form: FormDefinition, values: dict[str, Value], persons: int,
                 annexes: tuple[str, ...] | None = None):
        self.fields = form.field_map(persons)
        self.names = list(self.fields)
        self.values = values
        self.annexes = annexes

    def expand(self, patterns: Iterable[str]) -> list[str]:
        out: list[str] = []
        for p in patterns:
            out += [n for n in fnmatch.filter(self.names, p) if n not in out]
        return out

    def holds(self, cond: Condition) -> bool:
        names = self.expand(cond.fields)
        vals = [self.values.get(n) for n in names]
        t = cond.test
        if t is Test.FILLED:
            return all(filled(v) for v in vals)
        if t is Test.ANY_FILLED:
            return any(filled(v) for v in vals)
        if t is Test.EMPTY:
            return not any(filled(v) for v in vals)
        if t is Test.CHECKED:
            return all(v is True for v in vals)
        if t is Test.ANY_CHECKED:
            return any(v is True for v in vals)
        if t is Test.ONE_OF:
            return all(isinstance(v, str) and v in cond.values for v in vals)
        if t is Test.TIME_BETWEEN:
            start, end = (parse_time(x) for x in cond.values)
            if start is None or end is None:
                raise AssertionError(cond.values)  # the definition loader checks both times
            times = [parse_time(v) if isinstance(v, str) else None for v in vals]
            return bool(times) and all(
                tm is not None and ((start <= tm < end) if start <= end else (tm >= start or tm < end))
                for tm in times)
        if t is Test.ORDERED:
            return self._ordered(names)
        if t is Test.VALID:
            return not self.invalid(names)
        if t is Test.ANNEXED:  # unknown (None) counts as annexed: no finding without evidence
            return self.annexes is None or bool(self.annexes)
        raise AssertionError(t)

    def invalid(self, names: list[str]) -> list[Field]:
        """The filled fields among `names` whose value breaks their format or options."""
        bad = []
        for n in names:
            f, v = self.fields[n], self.values.get(n)
            if not isinstance(v, str) or not v.strip():
                continue
            bad_format = f.format is not None and not f.format.accepts(v)
            bad_option = (bool(f.options) and f.type in (FieldType.CHOICE, FieldType.RADIO)
                          and v not in f.option_values)
            if bad_format or bad_option:
                bad.append(f)
        return bad

    def _ordered(self, names: list[str]) -> bool:
        points: list[list] = []  # [date, time] per date field, times attached to the date before
        for n in names:
            f, v = self.fields[n], self.values.get(n)
            given = v if isinstance(v, str) else None
            if f.format is Format.UHRZEIT and points:
                points[-1][1] = parse_time(given)
            else:
                points.append([parse_date(given), None])
        for i, p in enumerate(points):  # a time without its own date borrows a neighbour's
            if p[0] is None and p[1] is not None:
                others = [q[0] for q in points[i + 1:] + points[:i][::-1] if q[0]]
                p[0] = others[0] if others else None
        dated = [p for p in points if p[0] is not None]
        for (d1, t1), (d2, t2) in zip(dated, dated[1:]):
            if t1 is not None and t2 is not None:
                if dt.datetime.combine(d1, t1) > dt.datetime.combine(d2, t2):
                    return False
            elif d1 > d2:
                return False
        return True


def _substitute(rule: Rule, n: int) -> Rule:
    def sub(conds):
        return tuple(Condition(c.test, tuple(f.replace("{n}", str(n)) for f in c.fields), c.values)
                     for c in conds)

    return Rule(rule.id, rule.severity, rule.basis, rule.message.replace("{n}", str(n)),
                tuple(f.replace("{n}", str(n)) for f in rule.fields), None,
                sub(rule.when), sub(rule.require), sub(rule.require_any),
                rule.short.replace("{n}", str(n)))


def _apply(rule: Rule, ev: _Evaluator) -> list[Finding]:
    if not all(ev.holds(c) for c in rule.when):
        return []
    valid = [c for c in rule.require if c.test is Test.VALID]
    if valid:  # one finding per offending field, so each is named with its expected format
        out = []
        for c in valid:
            for f in ev.invalid(ev.expand(c.fields)):
                expected = f.format.description if f.format else text("pruefung.auswahl_nicht_vorgesehen")
                msg = rule.message.replace("{label}", f.label).replace("{erwartet}", expected)
                out.append(Finding(rule.id, rule.severity, (f.name,), msg, rule.basis,
                                   rule.label.replace("{label}", f.label)))
        return out
    ok = all(ev.holds(c) for c in rule.require)
    if rule.require_any:
        ok = ok and any(ev.holds(c) for c in rule.require_any)
    if ok and (rule.require or rule.require_any):
        return []
    named = tuple(ev.expand(rule.named_fields)) or rule.named_fields
    return [Finding(rule.id, rule.severity, named, rule.message, rule.basis, rule.label)]


def evaluate(form: FormDefinition, values: dict[str, Value], persons: int | None = None,
             annexes: tuple[str, ...] | None = None) -> list[Finding]:
    """All findings of the catalogue for one request's values, most severe first.

    `annexes` are the request's annexes; None means unknown (the `annexed` test then holds).
    """
    persons = form.persons_in(values) if persons is None else persons
    ev = _Evaluator(form, values, max(persons, 1), annexes)
    findings: list[Finding] = []
    for rule in form.rules:
        concrete = [_substitute(rule, n) for n in range(1, persons + 1)] if rule.each else [rule]
        for r in concrete:
            findings += _apply(r, ev)
    return sorted(findings, key=lambda f: f.severity.rank)


def _text_value(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def check_extraction(name: str, ex: Extraction, form: FormDefinition, keep_values: bool = False,
                     annexes: tuple[str, ...] | None = None) -> Result:
    """Check extracted values; `annexes` (None = unknown) also gets the PDF's embedded files."""
    if annexes is not None or ex.embedded:
        annexes = tuple(annexes or ()) + tuple(text("pruefung.eingebettet", name=n) for n in ex.embedded)
    form_short = text("pruefung.formular_kurz")
    findings = [Finding("formular", Severity.HINWEIS, (), note, short=form_short) for note in ex.notes]
    findings += [Finding("formular", Severity.WARNUNG, (), w, short=form_short) for w in ex.warnings]
    labels = form.field_map(ex.persons)
    findings += [Finding("unsicher", Severity.WARNUNG, (name,),
                         text("pruefung.unsicher", label=labels[name].label, name=name,
                              quelle=ex.sources.get(name, ex.source).short),
                         short=text("pruefung.unsicher_kurz"))
                 for name in ex.uncertain if name in labels]
    findings += evaluate(form, ex.values, ex.persons, annexes)
    from vhpdf.check.printcheck import (
        print_findings,  # lazily: it imports the font metrics
    )

    findings += print_findings(form, ex, keep_values)
    findings.sort(key=lambda f: f.severity.rank)
    status = (Status.UNVOLLSTAENDIG if any(f.severity is Severity.FEHLER for f in findings)
              else Status.VOLLSTAENDIG)
    return Result(name, status, ex.form_id or form.id, ex.form_version, findings,
                  ex.values if keep_values else None, form.kpb_named(_text_value(ex.values.get(form.kpb_field))),
                  annexes=annexes or (), facts=key_facts(form, ex.values),
                  source=ex.source, sources=dict(ex.sources))
