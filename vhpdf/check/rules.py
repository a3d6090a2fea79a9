"""The rules engine: the catalogue from forms/ applied to one request's extracted values.

The engine knows only the condition tests (definition.Test); which fields a rule names, its
severity, legal basis and message all come from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from vhpdf.check.facts import key_facts
from vhpdf.check.result import Finding, Result, Status
from vhpdf.form.definition import (
    Condition,
    Field,
    FieldType,
    FormDefinition,
    Gemeinde,
    Rule,
    Severity,
    Test,
    Value,
    filled,
    select,
)
from vhpdf.form.formats import Format, parse_date, parse_time
from vhpdf.form.messages import text
from vhpdf.form.messages import text as message  # where a function's own argument is called text
from vhpdf.read.extract import Extraction
from vhpdf.read.signature import SignatureInfo, SignatureState

TRUST = {True: "vertraut", False: "nicht_vertraut", None: "ungeprueft"}
_MATCHING: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}


def _matching(names: tuple[str, ...], pattern: str) -> tuple[str, ...]:
    """The names a catalogue pattern selects; the same few patterns and field lists recur for
    every file, so each match is worked out once per process."""
    key = (names, pattern)
    hit = _MATCHING.get(key)
    if hit is None:
        if len(_MATCHING) > 10_000:  # bounded, whatever definitions a long run loads
            _MATCHING.clear()
        hit = _MATCHING[key] = tuple(select(names, pattern))
    return hit


class _Evaluator:
    def __init__(self, form: FormDefinition, values: dict[str, Value], persons: int,
                 annexes: tuple[str, ...] | None = None, signature: SignatureInfo | None = None):
        self.fields = form.field_map(persons)
        self.names = tuple(self.fields)
        self.values = values
        self.annexes = annexes
        self.signature = signature
        self.form = form

    def signature_state(self, names: list[str]) -> SignatureState:
        """The verified state; without verification (plain values) the field's presence decides."""
        if self.signature is not None:
            return self.signature.state
        signed = any(self.values.get(n) is True for n in names)
        return SignatureState.NOT_VERIFIED if signed else SignatureState.UNSIGNED

    def expand(self, patterns: Iterable[str]) -> list[str]:
        out: list[str] = []
        for p in patterns:
            out += [n for n in _matching(self.names, p) if n not in out]
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
            times = [parse_time(v, loose=True) if isinstance(v, str) else None for v in vals]
            return bool(times) and all(
                tm is not None and ((start <= tm < end) if start <= end else (tm >= start or tm < end))
                for tm in times)
        if t is Test.ORDERED:
            return self._ordered(names)
        if t is Test.VALID:
            return not self.invalid(names, cond.values)
        if t is Test.MATCHES:
            return any(isinstance(v, str) and re.search(p, v, re.IGNORECASE)
                       for v in vals for p in cond.values)
        if t is Test.AGE_UNDER:
            born, then = self._dates(names)
            return born is not None and then is not None and _years(born, then) < int(cond.values[0])
        if t is Test.MONTHS_APART:
            first, then = self._dates(names)
            return first is not None and then is not None and _months(first, then) > int(cond.values[0])
        if t is Test.COMPETENT:
            return self.competent(cond)[0]
        if t is Test.ANNEXED:  # unknown (None) counts as annexed: no finding without evidence
            return self.annexes is None or bool(self.annexes)
        if t is Test.SIGNATURE_STATE:  # SignatureState(...) fails loudly on a misspelt catalogue value
            return self.signature_state(names) in {SignatureState(v) for v in cond.values}
        if t is Test.SIGNATURE_TRUST:
            trusted = self.signature.trusted if self.signature is not None else None
            if any(v not in TRUST.values() for v in cond.values):
                raise ValueError(cond.values)
            return TRUST[trusted] in cond.values
        raise AssertionError(t)

    def placeholders(self, text: str) -> str:
        """{felder}: the fields changed after signing; {grund}: why a signature fails (German)."""
        sig = self.signature
        if "{felder}" in text:
            changed = sig.changed_fields if sig else ()
            text = text.replace("{felder}", ", ".join(
                message("pruefung.signatur_feld", label=self.fields[n].label, name=n) if n in self.fields else n
                for n in changed) or "–")
        if "{grund}" in text:
            text = text.replace("{grund}", (sig.reasons if sig else "") or message("pruefung.signatur_ohne_grund"))
        return text

    def _dates(self, names: list[str]) -> tuple[dt.date | None, dt.date | None]:
        """The first field's date and the first date among the others (a fallback order)."""
        def date(n: str) -> dt.date | None:
            v = self.values.get(n)
            return parse_date(v) if isinstance(v, str) else None

        later = [d for n in names[1:] if (d := date(n)) is not None]
        return (date(names[0]) if names else None), (later[0] if later else None)

    def competent(self, cond: Condition) -> tuple[bool, str]:
        """Whether the authority in the first field is the one competent for the place the other
        fields name (a municipality, a town, a postcode), and the competent one's name.

        Holds whenever the place cannot be told for certain: never a finding on a guess.
        """
        names = self.expand(cond.fields)
        given = self.values.get(names[0]) if names else None
        place = _municipality(self.form.gemeinden, [(self.fields[n], self.values.get(n)) for n in names[1:]])
        if not isinstance(given, str) or not given.strip() or place is None:
            return True, ""
        kind = cond.values[0]
        if kind == "kpb":
            kpb = next((k for k in self.form.kpb if k.ort == place.kpb), None)
            return (kpb is None or kpb.name == given.strip()), kpb.name if kpb else ""
        court = getattr(place, kind)
        return _court(court) in _court(given), court

    def invalid(self, names: list[str], levels: tuple[str, ...] = ()) -> list[Field]:
        """The filled fields among `names` (of the requirement `levels`, default all) whose value
        breaks their format or options."""
        bad = []
        for n in names:
            f, v = self.fields[n], self.values.get(n)
            if not isinstance(v, str) or not v.strip():
                continue
            if levels and f.requirement.value not in levels:
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


def _years(born: dt.date, then: dt.date) -> int:
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


def _months(first: dt.date, then: dt.date) -> float:
    return (then.year - first.year) * 12 + then.month - first.month + (then.day - first.day) / 31


_COURT_WORDS = ((re.compile(r"\bVG\b\.?", re.I), "Verwaltungsgericht"),
                (re.compile(r"\bAG\b\.?", re.I), "Amtsgericht"))


def _court(text: str) -> str:
    """A court's name comparable by substring: abbreviations spelled out, spaces and case folded."""
    for pattern, word in _COURT_WORDS:
        text = pattern.sub(word, text)
    return " ".join(text.split()).casefold()


def _town_key(text: str) -> str:
    return " ".join(re.sub(r"\(.*?\)", "", text).split()).casefold()


_TOWNS: dict[int, tuple[tuple[Gemeinde, ...], dict[str, set[str]]]] = {}


def _towns(gemeinden: tuple[Gemeinde, ...]) -> dict[str, set[str]]:
    """Municipality names by the keys a place field is matched with (name casefolded, and
    without a bracketed suffix), worked out once per definition instead of for every file."""
    cached = _TOWNS.get(id(gemeinden))
    if cached is None or cached[0] is not gemeinden:  # the definition is kept, so its id stays unique
        index: dict[str, set[str]] = {}
        for g in gemeinden:
            for key in (g.name.casefold(), _town_key(g.name)):
                index.setdefault(key, set()).add(g.name)
        cached = _TOWNS[id(gemeinden)] = (gemeinden, index)
    return cached[1]


def _municipality(gemeinden: tuple[Gemeinde, ...], place: list[tuple[Field, Value]]) -> Gemeinde | None:
    """The one municipality all filled place fields agree on, else None (unknown or ambiguous).

    A postcode field narrows by postcode (several municipalities can share one), any other text
    field by name (also without a bracketed suffix or a district after a hyphen or comma).
    """
    candidates: set[str] | None = None
    for f, v in place:
        if not isinstance(v, str) or not v.strip():
            continue
        v = v.strip()
        if f.format is Format.PLZ:
            found = {g.name for g in gemeinden if v in g.plz}
        else:
            keys = [_town_key(v), _town_key(re.split(r"[-,/]", v)[0])]
            found = set()
            by_key = _towns(gemeinden)
            for key in keys:
                found = set(by_key.get(key, ()))
                if found:
                    break
        if not found:
            continue  # an unknown town name or postcode tells nothing
        candidates = found if candidates is None else candidates & found
    if not candidates or len(candidates) != 1:
        return None
    name = candidates.pop()
    return next(g for g in gemeinden if g.name == name)


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
            for f in ev.invalid(ev.expand(c.fields), c.values):
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
    if "{felder}" in rule.message and ev.signature is not None and ev.signature.changed_fields:
        named = ev.signature.changed_fields
    message = rule.message
    for c in rule.require:  # "{zustaendig}": the competent authority the finding names
        if c.test is Test.COMPETENT:
            message = message.replace("{zustaendig}", ev.competent(c)[1])
    return [Finding(rule.id, rule.severity, named, ev.placeholders(message), rule.basis, rule.label)]


def evaluate(form: FormDefinition, values: dict[str, Value], persons: int | None = None,
             annexes: tuple[str, ...] | None = None,
             signature: SignatureInfo | None = None) -> list[Finding]:
    """All findings of the catalogue for one request's values, most severe first.

    `annexes` are the request's annexes; None means unknown (the `annexed` test then holds).
    `signature` is the verified signature state; None means not verified (values only).
    """
    persons = form.persons_in(values) if persons is None else persons
    ev = _Evaluator(form, values, max(persons, 1), annexes, signature)
    findings: list[Finding] = []
    for rule in form.rules:
        concrete = [_substitute(rule, n) for n in range(1, persons + 1)] if rule.each else [rule]
        for r in concrete:
            findings += _apply(r, ev)
    return sorted(findings, key=lambda f: f.severity.rank)


def _text_value(value: Value) -> str | None:
    return value if isinstance(value, str) else None


def warm_up(form: FormDefinition) -> None:
    """Pay now what the first check in a process would pay once: the imports made during a
    check (pypdf's filters, which its reader imports on first use; vhpdf's object parser; the
    print check), the message catalogue, the font's metrics and the index of municipalities.

    Only the moment changes: a pool that calls this before it forks its workers has them share
    the work instead of each doing it on its first file (~10-15 ms each on a 2-core machine).
    Imports nothing a plain PDF does not need (no page readers, no OCR, no pyHanko).
    """
    import pypdf.filters  # noqa: F401 - imported by PdfReader() (apply_legacy_configuration)

    import vhpdf.check.printcheck  # noqa: F401 - check_extraction imports it lazily
    import vhpdf.pdf.objparse  # noqa: F401 - pypdf_compat imports it with the first reader
    from vhpdf.form.messages import catalogue
    from vhpdf.pdf.font import load_font

    catalogue()
    load_font()
    _towns(form.gemeinden)


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
    findings += evaluate(form, ex.values, ex.persons, annexes, ex.signature)
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
                  source=ex.source, sources=dict(ex.sources), signature=ex.signature)
