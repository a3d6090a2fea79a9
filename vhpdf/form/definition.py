"""The form definition: loaded from `forms/`, validated, and frozen.

Everything about individual fields and rules lives in the TOML files; this module only knows the
vocabulary (field types, requirement levels, severities, condition tests) and checks that the
files use it correctly, naming the offending key.
"""

from __future__ import annotations

import enum
import fnmatch
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from vhpdf.form.formats import Format
from vhpdf.form.tomlcache import TomlError, load_toml

Value = str | bool | None


def filled(value: Value) -> bool:
    """Whether a value counts as given: non-blank text, a ticked box, a signature."""
    return bool(value.strip()) if isinstance(value, str) else bool(value)


class DefinitionError(Exception):
    """The form definition in forms/ is malformed."""


class FieldType(enum.Enum):
    TEXT = "text"
    CHOICE = "choice"
    CHECKBOX = "checkbox"
    RADIO = "radio"
    SIGNATURE = "signature"


class Requirement(enum.Enum):
    PFLICHT = "pflicht"
    SOLL = "soll"
    OPTIONAL = "optional"

    @property
    def mark(self) -> str:
        return {"pflicht": " *", "soll": " °", "optional": ""}[self.value]


class Severity(enum.Enum):
    FEHLER = "fehler"
    WARNUNG = "warnung"
    HINWEIS = "hinweis"

    @property
    def rank(self) -> int:
        return ("fehler", "warnung", "hinweis").index(self.value)


class Test(enum.Enum):
    FILLED = "filled"
    ANY_FILLED = "any_filled"
    EMPTY = "empty"
    CHECKED = "checked"
    ANY_CHECKED = "any_checked"
    ONE_OF = "one_of"
    VALID = "valid"
    ORDERED = "ordered"
    TIME_BETWEEN = "time_between"
    ANNEXED = "annexed"
    SIGNATURE_STATE = "signature_state"  # the document's signature state is one of `values`
    SIGNATURE_TRUST = "signature_trust"  # "vertraut" | "nicht_vertraut" | "ungeprueft" (no anchors)
    MATCHES = "matches"
    AGE_UNDER = "age_under"
    MONTHS_APART = "months_apart"
    COMPETENT = "competent"


# The definition's structure compares by identity (eq=False): it is found by name, never compared,
# and value equality's generated __eq__ and __hash__ cost ~0.3 ms per class at every start.
# Kpb keeps it: check.addressee compares a result's KPB with the user's own.
@dataclass(frozen=True, eq=False)
class Option:
    value: str
    label: str


@dataclass(frozen=True, eq=False)
class Field:
    """One field; in a repeated block `n` is its block number and the name is concrete."""

    name: str
    label: str
    tooltip: str
    type: FieldType
    requirement: Requirement = Requirement.OPTIONAL
    format: Format | None = None
    lines: int = 1
    width: float = 1.0
    options: tuple[Option, ...] = ()
    hint: str = ""
    max_length: int = 0
    personal: bool = False  # holds a person's data: shown only where values were asked for
    ocr_pattern: re.Pattern | None = None  # every value has this shape: an OCR read without it is doubtful
    section: str = ""
    n: int | None = None

    @property
    def multiline(self) -> bool:
        return self.type is FieldType.TEXT and self.lines > 1

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)

    def expand(self, n: int) -> Field:
        """The field of block `n`; only the first block can be mandatory (one person suffices)."""
        sub = str(n)
        requirement = self.requirement
        if n > 1 and requirement is Requirement.PFLICHT:
            requirement = Requirement.SOLL
        return replace(self, name=self.name.replace("{n}", sub), n=n, requirement=requirement,
                       tooltip=self.tooltip.replace("{n}", sub), label=self.label.replace("{n}", sub))


@dataclass(frozen=True, eq=False)
class Repeat:
    key: str
    title: str
    default: int
    max: int


@dataclass(frozen=True, eq=False)
class Section:
    id: str
    heading: str
    fields: tuple[Field, ...]
    intro: str = ""
    repeat: Repeat | None = None


@dataclass(frozen=True, eq=False)
class Condition:
    test: Test
    fields: tuple[str, ...]
    values: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    severity: Severity
    basis: str
    message: str
    fields: tuple[str, ...] = ()
    each: str | None = None
    when: tuple[Condition, ...] = ()
    require: tuple[Condition, ...] = ()
    require_any: tuple[Condition, ...] = ()
    short: str = ""

    @property
    def label(self) -> str:
        """A few words for tables: the rule's `short`, else its id."""
        return self.short or self.id

    @property
    def named_fields(self) -> tuple[str, ...]:
        """The fields a finding of this rule names."""
        if self.fields:
            return self.fields
        return tuple(dict.fromkeys(f for c in self.require + self.require_any for f in c.fields))


@dataclass(frozen=True)
class Kpb:
    ort: str
    art: str
    bezirk: str
    name: str


@dataclass(frozen=True, eq=False)
class Gemeinde:
    """One NRW municipality with its competent KPB (`ort` of kpb-nrw.toml) and courts."""

    name: str
    kreis: str
    kpb: str
    amtsgericht: str
    verwaltungsgericht: str
    plz: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class FormDefinition:
    id: str
    version: str
    title: str
    subtitle: str
    language: str
    legend: str
    closing_note: str
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    kpb: tuple[Kpb, ...]
    roles: dict[str, str]
    gemeinden: tuple[Gemeinde, ...] = ()
    _cache: dict = dc_field(default_factory=dict, compare=False, repr=False)

    @property
    def kpb_field(self) -> str:
        return self.roles["kpb"]

    def role(self, role: str, n: int = 1) -> str:
        """The name of the field playing `role` (of person block `n` for person roles)."""
        return self.roles[role].replace("{n}", str(n))

    @property
    def repeat(self) -> Repeat:
        return next(s.repeat for s in self.sections if s.repeat)

    def fields(self, persons: int | None = None) -> tuple[Field, ...]:
        """All concrete fields of a form with `persons` repeated blocks, in form order."""
        count = self.repeat.default if persons is None else persons
        if ("fields", count) in self._cache:
            return self._cache["fields", count]
        out: list[Field] = []
        for section in self.sections:
            block = [f for f in section.fields if "{n}" in f.name]
            for n in range(1, count + 1 if block else 1):
                out.extend(f.expand(n) for f in block)
            out.extend(f for f in section.fields if "{n}" not in f.name)
        self._cache["fields", count] = tuple(out)
        return self._cache["fields", count]

    def field_map(self, persons: int | None = None) -> dict[str, Field]:
        key = ("map", self.repeat.default if persons is None else persons)
        if key not in self._cache:
            self._cache[key] = {f.name: f for f in self.fields(persons)}
        return self._cache[key]

    def persons_in(self, names) -> int:
        """How many person blocks a set of field names holds (0 if none)."""
        pattern = re.compile(re.escape(self.repeat.key) + r"(\d+)\.")
        found = [int(m.group(1)) for name in names if (m := pattern.match(name))]
        return max(found, default=0)

    def kpb_named(self, name: str | None) -> Kpb | None:
        return next((k for k in self.kpb if k.name == name), None)


# --- loading and validation --------------------------------------------------------------------

_FORM_KEYS = {"id", "version", "title", "subtitle", "language", "rules_file", "legend", "closing_note"}
CURRENT_FILE = "vollzugshilfeersuchen.toml"
_VERSION = re.compile(r"\d+\.\d+")
_WILDCARDS = frozenset("*?[")
ROLES = {"kpb", "behoerde", "anschrift", "aktenzeichen", "ersuchen_datum", "massnahme_datum",
         "kontakt_name", "kontakt_email", "person_name", "person_vorname", "person_geburtsdatum"}
_SECTION_KEYS = {"id", "heading", "intro", "fields", "repeat"}
_REPEAT_KEYS = {"title", "default", "max"}
_FIELD_KEYS = {"name", "label", "tooltip", "type", "requirement", "format", "lines", "width",
               "options", "options_from", "hint", "max_length", "personal", "ocr_pattern"}
_RULE_KEYS = {"id", "severity", "basis", "message", "fields", "each", "when", "require",
              "require_any", "short"}
_CONDITION_KEYS = {"test", "fields", "values"}
_NAME = re.compile(r"[a-z][a-z0-9_]*(\{n\})?(\.[a-z][a-z0-9_]*)+")


def forms_dir() -> Path:
    """The forms/ folder: beside the package in a source checkout, else installed package data."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "forms"
    if (checkout / "vollzugshilfeersuchen.toml").is_file():
        return checkout
    return package / "_forms"


def _checked_keys(table: Any, allowed: set[str], where: str, required: frozenset[str] | set[str] = frozenset()):
    if not isinstance(table, dict):
        raise DefinitionError(f"{where}: Tabelle erwartet, gefunden: {type(table).__name__}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise DefinitionError(f"{where}: unbekannter Schlüssel {unknown[0]!r}")
    missing = sorted(required - set(table))
    if missing:
        raise DefinitionError(f"{where}: Schlüssel {missing[0]!r} fehlt")
    return table


def _enum(kind: type[enum.Enum], value: Any, where: str):
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise DefinitionError(f"{where}: ungültiger Wert {value!r} (erlaubt: {allowed})") from None


def read_toml(path: Path) -> dict:
    try:
        return load_toml(path)
    except OSError as exc:
        raise DefinitionError(f"{path.name}: nicht lesbar ({exc.strerror})") from None
    except (TomlError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path.name}: kein gültiges TOML ({exc})") from None


def _load_kpb(path: Path) -> tuple[Kpb, ...]:
    data = read_toml(path)
    names = data.get("namen", {})
    out = []
    for i, entry in enumerate(data.get("kpb", [])):
        where = f"{path.name}: kpb[{i}]"
        _checked_keys(entry, {"ort", "art", "bezirk"}, where, {"ort", "art", "bezirk"})
        if entry["art"] not in names:
            raise DefinitionError(f"{where}: art {entry['art']!r} hat keine Vorlage in [namen]")
        out.append(Kpb(entry["ort"], entry["art"], entry["bezirk"],
                       names[entry["art"]].format(ort=entry["ort"])))
    return tuple(sorted(out, key=lambda k: k.ort))


def _load_gemeinden(path: Path) -> tuple[Gemeinde, ...]:
    data = read_toml(path)
    keys = {"name", "ags", "kreis", "kpb", "amtsgericht", "verwaltungsgericht", "plz"}
    out = []
    for i, entry in enumerate(data.get("gemeinde", [])):
        _checked_keys(entry, keys, f"{path.name}: gemeinde[{i}]", keys)
        out.append(Gemeinde(entry["name"], entry["kreis"], entry["kpb"], entry["amtsgericht"],
                            entry["verwaltungsgericht"], tuple(entry["plz"])))
    return tuple(out)


def _load_options(raw: Any, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise DefinitionError(f"{where}.options: nicht leere Liste erwartet")
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            out.append(Option(item, item))
        else:
            _checked_keys(item, {"value", "label"}, f"{where}.options[{i}]", {"value", "label"})
            out.append(Option(str(item["value"]), str(item["label"])))
    return tuple(out)


def _load_field(raw: Any, where: str, section: str, folder: Path, kpb: list, gemeinden: list) -> Field:
    _checked_keys(raw, _FIELD_KEYS, where, {"name", "label", "tooltip", "type"})
    name = raw["name"]
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise DefinitionError(f"{where}: ungültiger Feldname {name!r}")
    ftype = _enum(FieldType, raw["type"], f"{where}.type")
    options: tuple[Option, ...] = ()
    if raw.get("options_from") == "gemeinden-nrw.toml":
        gemeinden[:] = _load_gemeinden(folder / raw["options_from"])
        options = tuple(Option(g.name, g.name) for g in gemeinden)
    elif "options_from" in raw:
        kpb[:] = [name, *_load_kpb(folder / raw["options_from"])]
        options = tuple(Option(k.name, k.name) for k in kpb[1:])
    elif "options" in raw:
        options = _load_options(raw["options"], where)
    if (ftype in (FieldType.CHOICE, FieldType.RADIO)) != bool(options):
        raise DefinitionError(f"{where}: options gehören genau zu choice- und radio-Feldern")
    width = raw.get("width", 1.0)
    if not (isinstance(width, (int, float)) and 0 < width <= 1):
        raise DefinitionError(f"{where}.width: Zahl über 0 bis 1 erwartet")
    lines = raw.get("lines", 1)
    if not (isinstance(lines, int) and 1 <= lines <= 20):
        raise DefinitionError(f"{where}.lines: ganze Zahl 1–20 erwartet")
    personal = raw.get("personal", False)
    if not isinstance(personal, bool):
        raise DefinitionError(f"{where}.personal: true oder false erwartet")
    return Field(
        name=name, label=raw["label"], tooltip=raw["tooltip"], type=ftype,
        requirement=_enum(Requirement, raw.get("requirement", "optional"), f"{where}.requirement"),
        format=_enum(Format, raw["format"], f"{where}.format") if "format" in raw else None,
        lines=lines, width=float(width), options=options, hint=raw.get("hint", ""),
        max_length=int(raw.get("max_length", 0)), personal=personal,
        ocr_pattern=_pattern(raw["ocr_pattern"], f"{where}.ocr_pattern") if "ocr_pattern" in raw else None,
        section=section,
    )


def _pattern(value: Any, where: str) -> re.Pattern:
    """A regular expression from the definition; the error names where it stands and what fails."""
    if not isinstance(value, str):
        raise DefinitionError(f"{where}: regulärer Ausdruck als Text erwartet")
    try:
        return re.compile(value)
    except re.error as exc:
        raise DefinitionError(f"{where}: ungültiger regulärer Ausdruck {value!r} "
                              f"(Fehler an Stelle {exc.pos})") from None


def _load_section(raw: Any, where: str, folder: Path, kpb: list, gemeinden: list) -> Section:
    _checked_keys(raw, _SECTION_KEYS, where, {"id", "heading", "fields"})
    fields = tuple(_load_field(f, f"{where}.fields[{i}]", raw["id"], folder, kpb, gemeinden)
                   for i, f in enumerate(raw["fields"]))
    repeat = None
    if "repeat" in raw:
        rep = _checked_keys(raw["repeat"], _REPEAT_KEYS, f"{where}.repeat", _REPEAT_KEYS)
        keys = {f.name.split("{n}")[0] for f in fields if "{n}" in f.name}
        if len(keys) != 1:
            raise DefinitionError(f"{where}.repeat: Felder mit {{n}} müssen ein gemeinsames Präfix haben")
        repeat = Repeat(keys.pop(), rep["title"], int(rep["default"]), int(rep["max"]))
    elif any("{n}" in f.name for f in fields):
        raise DefinitionError(f"{where}: Felder mit {{n}} brauchen [repeat]")
    return Section(raw["id"], raw["heading"], fields, raw.get("intro", ""), repeat)


def _load_condition(raw: Any, where: str) -> Condition:
    _checked_keys(raw, _CONDITION_KEYS, where, {"test", "fields"})
    test = _enum(Test, raw["test"], f"{where}.test")
    values = tuple(str(v) for v in raw.get("values", ()))
    if test in (Test.ONE_OF, Test.TIME_BETWEEN, Test.SIGNATURE_STATE, Test.SIGNATURE_TRUST) and not values:
        raise DefinitionError(f"{where}: Test {test.value!r} braucht values")
    if test is Test.TIME_BETWEEN and len(values) != 2:
        raise DefinitionError(f"{where}: time_between braucht genau zwei Uhrzeiten")
    if test in (Test.AGE_UNDER, Test.MONTHS_APART) and not (len(values) == 1 and values[0].isdigit()):
        raise DefinitionError(f"{where}: {test.value} braucht genau eine ganze Zahl in values")
    if test is Test.COMPETENT and values not in (("kpb",), ("amtsgericht",), ("verwaltungsgericht",)):
        raise DefinitionError(f"{where}: competent braucht values = kpb, amtsgericht oder verwaltungsgericht")
    if test is Test.MATCHES:
        for v in values:
            _pattern(v, where)
    if test is Test.VALID and not set(values) <= {r.value for r in Requirement}:
        raise DefinitionError(f"{where}: valid nimmt als values nur Verbindlichkeiten")
    return Condition(test, tuple(raw["fields"]), values)


def _load_rule(raw: Any, where: str) -> Rule:
    _checked_keys(raw, _RULE_KEYS, where, {"id", "severity", "basis", "message"})
    where = f"{where} ({raw['id']})"
    conds = {key: tuple(_load_condition(c, f"{where}.{key}[{i}]")
                        for i, c in enumerate(raw.get(key, ())))
             for key in ("when", "require", "require_any")}
    return Rule(id=raw["id"], severity=_enum(Severity, raw["severity"], f"{where}.severity"),
                basis=raw["basis"], message=raw["message"], fields=tuple(raw.get("fields", ())),
                each=raw.get("each"), short=str(raw.get("short", "")), **conds)


def _validate(form: FormDefinition, rules_file: str) -> None:
    names = [f.name for f in form.fields(1)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DefinitionError(f"Feldname doppelt: {duplicates[0]!r}")
    for role, field_name in form.roles.items():
        if field_name.replace("{n}", "1") not in names:
            raise DefinitionError(f"[roles] {role} nennt unbekanntes Feld {field_name!r}")
    if form.kpb and form.field_map(1)[form.kpb_field].option_values != tuple(k.name for k in form.kpb):
        raise DefinitionError(f"[roles] kpb: {form.kpb_field!r} bietet nicht die KPB-Liste an")
    ids = [r.id for r in form.rules]
    if len(set(ids)) != len(ids):
        raise DefinitionError(f"{rules_file}: Regel-ID doppelt: {sorted(i for i in ids if ids.count(i) > 1)[0]!r}")
    for rule in form.rules:
        if rule.each not in (None, form.repeat.key):
            raise DefinitionError(f"{rules_file}: Regel {rule.id}: each={rule.each!r} ist kein Wiederholungsblock")
        all_conditions = rule.when + rule.require + rule.require_any
        for pattern in rule.fields + tuple(f for c in all_conditions for f in c.fields):
            concrete = pattern.replace("{n}", "1")
            if "{n}" in pattern and not rule.each:
                raise DefinitionError(f"{rules_file}: Regel {rule.id}: {{n}} nur mit each")
            if not select(names, concrete):
                raise DefinitionError(f"{rules_file}: Regel {rule.id} nennt unbekanntes Feld {pattern!r}")


def select(names: Sequence[str], pattern: str) -> list[str]:
    """The names a catalogue pattern selects (fnmatch); a plain name, as most are, is looked up
    instead of compiled into a regular expression (~0.2 ms each, paid at every start)."""
    if _WILDCARDS.isdisjoint(pattern):
        return [pattern] if pattern in names else []
    return fnmatch.filter(names, pattern)


def version_file(version: str, folder: Path | None = None) -> Path | None:
    """The file of an older form version (`vollzugshilfeersuchen-1.0.toml`), if forms/ keeps it."""
    if not _VERSION.fullmatch(version):
        return None
    path = (folder or forms_dir()) / f"vollzugshilfeersuchen-{version}.toml"
    return path if path.is_file() else None


def kept_versions(folder: Path | None = None) -> list[str]:
    """The older form versions forms/ keeps, newest first."""
    paths = (folder or forms_dir()).glob("vollzugshilfeersuchen-*.toml")
    versions = [p.stem.split("-", 1)[1] for p in paths]
    return sorted((v for v in versions if _VERSION.fullmatch(v)),
                  key=lambda v: tuple(int(x) for x in v.split(".")), reverse=True)


def definition_for(version: str | None) -> FormDefinition:
    """The definition of `version` where forms/ keeps it (a request's own layout and names),
    else the current one."""
    current = load_definition()
    if version and version != current.version and version_file(version) is not None:
        try:
            return load_definition(version=version)
        except DefinitionError:
            pass
    return current


@functools.cache
def load_definition(folder: Path | None = None, name: str = CURRENT_FILE,
                    version: str | None = None) -> FormDefinition:
    """Load and validate the form definition (cached): the current one, or an older `version`.

    Older versions carry no rules: their requests are migrated (form.migration) and checked with
    the current catalogue. Raises DefinitionError for a version forms/ does not hold.
    """
    if version is not None:
        current = load_definition() if folder is None and name == CURRENT_FILE else load_definition(folder, name)
        if version == current.version:
            return current
        path = version_file(version, folder)
        if path is None:
            raise DefinitionError(f"Formularversion {version[:20]!r} ist nicht bekannt.")
        return _load(path.parent, path.name)
    return _load(folder or forms_dir(), name)


def _load(folder: Path, name: str) -> FormDefinition:
    """Load and validate one definition file (load_definition caches)."""
    data = read_toml(folder / name)
    _checked_keys(data, {"form", "roles", "sections"}, name, {"form", "roles", "sections"})
    roles = dict(_checked_keys(data["roles"], ROLES, f"{name}: [roles]", ROLES))
    meta = _checked_keys(data["form"], _FORM_KEYS, f"{name}: [form]", _FORM_KEYS - {"rules_file"})
    kpb: list = []  # [name of the field offering them, *Kpb]
    gemeinden: list = []
    sections = tuple(_load_section(s, f"{name}: sections[{i}]", folder, kpb, gemeinden)
                     for i, s in enumerate(data["sections"]))
    if sum(1 for s in sections if s.repeat) != 1:
        raise DefinitionError(f"{name}: genau ein Abschnitt muss [repeat] haben")
    rules: tuple[Rule, ...] = ()
    rules_file = meta.get("rules_file", "")
    if rules_file:
        rules_data = read_toml(folder / rules_file)
        _checked_keys(rules_data, {"rules"}, rules_file, {"rules"})
        rules = tuple(_load_rule(r, f"{rules_file}: rules[{i}]")
                      for i, r in enumerate(rules_data["rules"]))
    form = FormDefinition(
        id=meta["id"], version=str(meta["version"]), title=meta["title"], subtitle=meta["subtitle"],
        language=meta["language"], legend=meta["legend"], closing_note=meta["closing_note"],
        sections=sections, rules=rules, kpb=tuple(kpb[1:]), roles=roles, gemeinden=tuple(gemeinden))
    _validate(form, rules_file)
    return form
