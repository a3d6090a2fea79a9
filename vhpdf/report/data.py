"""Reports for programs and spreadsheets: JSON and CSV of check results and of extracted values."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from typing import TextIO

from vhpdf.check.result import Result, Status
from vhpdf.form.definition import FieldType, FormDefinition, Severity, Value
from vhpdf.form.messages import text
from vhpdf.report import privacy
from vhpdf.report.common import cell, mail_date, mail_text, missing_text, signature_dict, signature_text


def result_dict(r: Result, with_values: bool = False) -> dict:
    facts = r.facts
    return {
        "file": r.file,
        "status": r.status.value,
        "current": r.superseded_by is None,
        "superseded_by": r.superseded_by,
        "changes": privacy.changes(r, with_values),
        "mail": ({"file": r.mail.file, "from": r.mail.sender, "date": r.mail.date,
                  "subject": r.mail.subject} if r.mail else None),
        "annexes": list(r.annexes),
        "form": {"id": r.form_id, "version": r.form_version},
        "kpb": {"name": r.kpb.name, "regierungsbezirk": r.kpb.bezirk} if r.kpb else None,
        "aktenzeichen": facts.aktenzeichen if facts else None,
        "ersuchen_datum": facts.ersuchen_datum if facts else None,
        "massnahme_datum": facts.massnahme_datum if facts else None,
        "persons": facts.personen if facts else None,
        "error": r.error,
        "source": r.source,
        "sources": r.sources,
        "signature": signature_dict(r),
        "findings": [{"rule": f.rule, "severity": f.severity.value, "fields": list(f.fields),
                      "short": f.short, "message": privacy.message(f, with_values), "basis": f.basis}
                     for f in r.findings],
        "values": privacy.values(r, with_values),
    }


def write_json(results: Iterable[Result], out: TextIO, with_values: bool = False) -> None:
    """The JSON report, one result at a time: the same text as one `json.dumps(list, indent=2)`."""
    first = True
    for r in results:
        item = json.dumps(result_dict(r, with_values), ensure_ascii=False, indent=2)
        out.write(("[\n  " if first else ",\n  ") + item.replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def render_json(results: Iterable[Result], with_values: bool = False) -> str:
    buf = io.StringIO()
    write_json(results, buf, with_values)
    return buf.getvalue()


def csv_columns() -> list[str]:
    """The CSV header of a check report, before the value columns."""
    return [text("bericht.spalte_datei"), text("bericht.spalte_email"), text("bericht.spalte_status"),
            text("bericht.spalte_fassung"), text("bericht.spalte_kpb"), text("bericht.spalte_regierungsbezirk"),
            text("bericht.spalte_aktenzeichen"), text("bericht.spalte_massnahme_datum"),
            text("bericht.spalte_personen"), text("bericht.spalte_fehler"), text("bericht.spalte_warnungen"),
            text("bericht.spalte_fehlende"), text("bericht.spalte_anlagen"), text("bericht.spalte_quelle"),
            text("bericht.spalte_signatur"),
            # the mail in separate columns (E-Mail above keeps all three in one, as before)
            text("bericht.spalte_email_absender"), text("bericht.spalte_email_datum"),
            text("bericht.spalte_email_betreff")]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe
    (OWASP, CSV injection), since Aktenzeichen, subjects and file names come from outside."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_csv(rows: Iterable[list], header: list[str], out: TextIO) -> None:
    """CSV as German Excel opens it by double-click: BOM, semicolons, CRLF, no formulas."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(c) for c in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(c) for c in row])


def _csv(rows: Iterable[list], header: list[str]) -> str:
    buf = io.StringIO()
    _write_csv(rows, header, buf)
    return buf.getvalue()


def write_csv(results: Iterable[Result], out: TextIO, with_values: bool = False) -> None:
    """One row per request; with values, one more column per form field.

    `results` is read twice with values (the columns first), so it must be re-iterable.
    """
    names = list(dict.fromkeys(n for r in results if r.values for n in r.values)) if with_values else []
    _write_csv(_csv_rows(results, names, with_values), csv_columns() + names, out)


def render_csv(results: Iterable[Result], with_values: bool = False) -> str:
    buf = io.StringIO()
    write_csv(results, buf, with_values)
    return buf.getvalue()


def _csv_rows(results: Iterable[Result], names: list[str], with_values: bool) -> Iterator[list]:
    for r in results:
        facts = r.facts
        row = [r.file, mail_text(r), r.status.value,
               text("bericht.fassung_ersetzt", datei=r.superseded_by) if r.superseded_by
               else text("bericht.fassung_aktuell"),
               r.kpb.name if r.kpb else "", r.kpb.bezirk if r.kpb else "",
               (facts.aktenzeichen or "") if facts else "", (facts.massnahme_datum or "") if facts else "",
               facts.personen if facts else "", r.count(Severity.FEHLER), r.count(Severity.WARNUNG),
               missing_text(r) if r.status is not Status.VOLLSTAENDIG or r.count(Severity.WARNUNG) else "",
               " | ".join(r.annexes), r.source.label if r.source else "", signature_text(r, with_values),
               r.mail.sender if r.mail else "", mail_date(r.mail.date) if r.mail else "",
               r.mail.subject if r.mail else ""]
        yield row + [cell((privacy.values(r, with_values) or {}).get(n)) for n in names]


def values_json(values: dict[str, Value], meta: dict) -> str:
    return json.dumps({**meta, "values": values}, ensure_ascii=False, indent=2) + "\n"


def values_csv(values: dict[str, Value]) -> str:
    header = [text("bericht.spalte_feld"), text("bericht.spalte_wert")]
    return _csv([[name, cell(v)] for name, v in values.items()], header)


def _fillable(values: dict[str, Value]) -> dict[str, Value]:
    """The values a data file can carry: a signature is no value to prefill."""
    from vhpdf.form.definition import load_definition

    signatures = {f.name for f in load_definition().fields(1) if f.type is FieldType.SIGNATURE}
    return {k: v for k, v in values.items() if k not in signatures}


def values_xfdf(values: dict[str, Value]) -> str:
    """Extracted values as XFDF (Acrobat's "Formulardaten exportieren", pdftk fill_form)."""
    from vhpdf.write.exchange import to_xfdf

    return to_xfdf(_fillable(values))


def values_fdf(values: dict[str, Value], form: FormDefinition) -> bytes:
    """Extracted values as FDF; checkboxes and radio groups as names, text as strings."""
    from vhpdf.write.exchange import to_fdf

    buttons = {f.name for f in form.fields(form.repeat.max)
               if f.type in (FieldType.CHECKBOX, FieldType.RADIO)}
    return to_fdf(_fillable(values), buttons)


def extraction_report(path: str | os.PathLike, fmt: str, password: str | None = None) -> str | bytes:
    """What `vhpdf auslesen` shows for one file: its values read (read.extract) and written as
    json (with where they came from), csv, xfdf or fdf (bytes). Meant for an isolated worker
    (batch.pool.call_isolated): the reading code, pypdf with it, is loaded only there.

    Raises ExtractError for a file that cannot be read.
    """
    from vhpdf.read.extract import extract

    ex = extract(path, password=password)
    if fmt == "fdf":
        from vhpdf.form.definition import load_definition

        return values_fdf(ex.values, load_definition())
    if fmt == "csv":
        return values_csv(ex.values)
    if fmt == "xfdf":
        return values_xfdf(ex.values)
    meta = {"file": str(path), "form": {"id": ex.form_id, "version": ex.form_version},
            "source": ex.source, "sources": ex.sources, "uncertain": list(ex.uncertain),
            "notes": ex.notes}
    return values_json(ex.values, meta)
