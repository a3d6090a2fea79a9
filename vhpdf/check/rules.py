"""Checks: the rules catalogue from forms/ applied to extracted values.

The rule engine knows only the condition tests (definition.Test); which fields a rule names, its
severity, legal basis and message all come from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import enum
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from vhpdf.form.definition import (
    filled,
    Condition,
    Field,
    FieldType,
    FormDefinition,
    Kpb,
    Rule,
    Severity,
    Test,
    Value,
    load_definition,
)
from vhpdf.read.extract import ExtractError, Extraction, read_file, read_pdf
from vhpdf.check.facts import Facts, key_facts
from vhpdf.form.formats import Format, parse_date, parse_time
from vhpdf.batch.sources import Item, iter_items


class Status(enum.Enum):
    VOLLSTAENDIG = "vollständig"
    UNVOLLSTAENDIG = "unvollständig"
    UNLESBAR = "unlesbar"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    fields: tuple[str, ...]
    message: str
    basis: str = ""
    short: str = ""  # a few words for tables (the rule's `short`)


@dataclass
class Result:
    """The verdict on one file."""

    file: str
    status: Status
    form_id: str | None = None
    form_version: str | None = None
    findings: list[Finding] = field(default_factory=list)
    values: dict[str, Value] | None = None
    kpb: Kpb | None = None
    error: str | None = None
    mail: dict | None = None
    annexes: tuple[str, ...] = ()
    error_kind: str | None = None  # why unlesbar: the ExtractError class, or a runner reason
    facts: Facts | None = None
    superseded_by: str | None = None  # set by versions.organize
    changes: dict | None = None  # versions.organize: what changed against the previous version
    source: str | None = None  # feld | seitentext | ocr (None if unreadable)
    sources: dict[str, str] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


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
            if f.format and not f.format.accepts(v):
                bad.append(f)
            elif f.options and f.type in (FieldType.CHOICE, FieldType.RADIO) and v not in f.option_values:
                bad.append(f)
        return bad

    def _ordered(self, names: list[str]) -> bool:
        points: list[list] = []  # [date, time] per date field, times attached to the date before
        for n in names:
            f, v = self.fields[n], self.values.get(n)
            text = v if isinstance(v, str) else None
            if f.format is Format.UHRZEIT and points:
                points[-1][1] = parse_time(text)
            else:
                points.append([parse_date(text), None])
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
                expected = f.format.description if f.format else "nicht vorgesehene Auswahl"
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


def check_extraction(name: str, ex: Extraction, form: FormDefinition, keep_values: bool = False,
                     annexes: tuple[str, ...] | None = None) -> Result:
    """Check extracted values; `annexes` (None = unknown) also gets the PDF's embedded files."""
    if annexes is not None or ex.embedded:
        annexes = tuple(annexes or ()) + tuple(f"{n} (im PDF eingebettet)" for n in ex.embedded)
    findings = [Finding("formular", Severity.HINWEIS, (), note, short="Formular") for note in ex.notes]
    findings += [Finding("formular", Severity.WARNUNG, (), w, short="Formular") for w in ex.warnings]
    labels = form.field_map(ex.persons)
    findings += [Finding("unsicher", Severity.WARNUNG, (name,),
                         f"{labels[name].label} ({name}): Wert nicht sicher gelesen "
                         f"({'Scan' if ex.sources.get(name, ex.source) == 'ocr' else 'Seitentext'})"
                         " — bitte am Original prüfen.", short="unsicher gelesen")
                 for name in ex.uncertain if name in labels]
    findings += evaluate(form, ex.values, ex.persons, annexes)
    from vhpdf.check.printcheck import print_findings  # lazily: it imports the font metrics

    findings += [Finding(rule, sev, (name,), msg) for rule, sev, name, msg in print_findings(form, ex, keep_values)]
    findings.sort(key=lambda f: f.severity.rank)
    status = (Status.UNVOLLSTAENDIG if any(f.severity is Severity.FEHLER for f in findings)
              else Status.VOLLSTAENDIG)
    return Result(name, status, ex.form_id or form.id, ex.form_version, findings,
                  ex.values if keep_values else None, form.kpb_named(ex.values.get(form.kpb_field)),
                  annexes=annexes or (), facts=key_facts(form, ex.values),
                  source=ex.source, sources=dict(ex.sources))


MEMORY_MESSAGE = "Die Datei braucht beim Lesen mehr Speicher als erlaubt (Speichergrenze)."


def check_item(item: Item, form: FormDefinition | None = None, keep_values: bool = False,
               password: str | None = None) -> Result:
    """Check one item; never raises for a bad file, it is reported as unlesbar."""
    form = form or load_definition()
    if item.error:
        return Result(item.name, Status.UNLESBAR, error=item.error, mail=item.mail,
                      annexes=item.annexes, error_kind="SourceError")
    try:
        data = item.data if item.data is not None else read_file(item.path)
        ex = read_pdf(data, form, password)
        del data
        result = check_extraction(item.name, ex, form, keep_values, tuple(item.annexes))
    except ExtractError as exc:
        result = Result(item.name, Status.UNLESBAR, error=str(exc), annexes=item.annexes,
                        error_kind=type(exc).__name__)
    except MemoryError:
        result = Result(item.name, Status.UNLESBAR, error=MEMORY_MESSAGE, annexes=item.annexes,
                        error_kind="memory")
    except Exception as exc:  # a reader bug must not stop a bulk run
        result = Result(item.name, Status.UNLESBAR, error="Die Datei konnte nicht gelesen werden "
                        f"(interner Fehler: {type(exc).__name__}).", annexes=item.annexes,
                        error_kind="internal")
    result.mail = item.mail
    return result


def check_file(path: str | os.PathLike, form: FormDefinition | None = None,
               keep_values: bool = False) -> Result:
    """Check one file on disk."""
    return check_item(Item(str(path), path=Path(path)), form, keep_values)


def expand_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Item]:
    """Items from files, folders (recursive) and mails (.eml, .mbox, Maildir, .msg), stably ordered."""
    return iter_items(paths)
