"""Prefilling from data files: one request from JSON/XFDF/FDF, or one per row of a CSV table.

Each input is checked in full before anything is written (write.validate); a table reports
every bad row instead of stopping at the first, and writes nothing for a bad row unless asked.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from vhpdf.form.definition import load_definition
from vhpdf.form.messages import text
from vhpdf.read.exchange import DataFileError, parse_csv, read_data, typed
from vhpdf.report.output import OutputError, write_output
from vhpdf.write.fill import FillError
from vhpdf.write.generate import generate
from vhpdf.write.validate import Kind, Problem, check_values

DEFAULT_NAME = "ersuchen-{zeile}.pdf"
_UNSAFE = re.compile(r"[^\w.\- ]+")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class PatternError(ValueError):
    """The --name pattern names an unknown field; the message is German."""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataFileError(text("bericht.daten_nicht_lesbar", grund=exc.strerror)) from None


def fill_file(path: Path, persons: int | None = None, strict: bool = False,
              said: list[str] | None = None) -> tuple[bytes, list[Problem]]:
    """The prefilled form from one data file (JSON, XFDF or FDF) and the warnings about it.

    Data in an older form version's field names is carried over first; what that did is
    appended to `said`. Raises DataFileError (unreadable file) or FillError (every refused value).
    """
    from vhpdf.form.migration import carry_over

    form = load_definition()
    data, carried = carry_over(read_data(form, path, _read(path)))
    if said is not None:
        said += carried
    checked = check_values(form, data)
    refused = checked.refusals(strict)
    if refused:  # with the warnings, so that one correction round is enough
        raise FillError([str(p) for p in refused]
                        + [text("bericht.warnung", warnung=p) for p in checked.warnings(strict)])
    return generate(max(checked.persons, persons or 0), checked.values, form), checked.warnings(strict)


@dataclass
class RowReport:
    line: int
    file: Path | None = None  # None: nothing written
    problems: list[Problem] = field(default_factory=list)
    refused: bool = False
    note: str = ""  # why nothing was written, besides the problems


def file_name(pattern: str, values: dict, line: int) -> str:
    """The output name of a row: placeholders {feld.name} and {zeile}, unsafe characters as '_'."""

    def value(match: re.Match) -> str:
        key = match.group(1)
        v = line if key == "zeile" else values.get(key)
        return "" if v is None or isinstance(v, bool) else str(v)

    name = _UNSAFE.sub("_", _PLACEHOLDER.sub(value, pattern)).strip(" ._")
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return (stem or f"zeile-{line}")[:150] + ".pdf"


def fill_table(path: Path, folder: Path, pattern: str = DEFAULT_NAME, strict: bool = False,
               anyway: bool = False, force: bool = False) -> list[RowReport]:
    """One request per row of a CSV table into `folder`; a report for every row.

    A refused row is written only with `anyway`, and then without the values that cannot be
    written at all (unknown fields, wrong types), which its report names.
    """
    form = load_definition()
    known = form.field_map(form.repeat.max)
    for key in _PLACEHOLDER.findall(pattern):
        if key != "zeile" and key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = text("bericht.name_meinten_sie", feld=close[0]) if close else ""
            raise PatternError(text("bericht.name_kein_feld", feld=key, hinweis=hint))
    rows = parse_csv(_read(path))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFileError(text("bericht.ordner_nicht_anzulegen", ordner=folder, grund=exc.strerror)) from None
    reports, taken = [], set()
    for row in rows:
        checked = check_values(form, typed(form, row.values))
        report = RowReport(row.line, problems=list(checked.problems),
                           refused=bool(checked.refusals(strict)), note=row.problem)
        reports.append(report)
        if row.problem or (report.refused and not anyway):
            continue
        name = file_name(pattern, checked.values, row.line)
        if name in taken:
            name = name[:-4] + f"-{row.line}.pdf"
        taken.add(name)
        broken = {p.field for p in checked.problems if p.kind is Kind.STRUCTURE}
        values = {k: v for k, v in checked.values.items() if k not in broken}
        if (folder / name).exists() and not force:  # say so before the work, not after
            report.note = text("bericht.datei_existiert", datei=folder / name)
            continue
        try:
            report.file = write_output(folder / name, generate(checked.persons, values, form), force)
        except OutputError as exc:
            report.note = str(exc)
    return reports
