"""Reports for programs and spreadsheets: JSON and CSV of check results and of extracted values."""

from __future__ import annotations

import csv
import io
import json

from vhpdf.check.result import Result, Status
from vhpdf.form.definition import Severity, Value
from vhpdf.report.common import cell, mail_text, missing_text, signature_dict, signature_text


def result_dict(r: Result, with_values: bool = False) -> dict:
    facts = r.facts
    return {
        "file": r.file,
        "status": r.status.value,
        "current": r.superseded_by is None,
        "superseded_by": r.superseded_by,
        "changes": ({k: v for k, v in r.changes.items() if with_values or k != "values"}
                    if r.changes else None),
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
                      "short": f.short, "message": f.message, "basis": f.basis} for f in r.findings],
        "values": r.values if with_values else None,
    }


def render_json(results: list[Result], with_values: bool = False) -> str:
    return json.dumps([result_dict(r, with_values) for r in results], ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["Datei", "E-Mail", "Status", "Fassung", "KPB", "Regierungsbezirk", "Aktenzeichen",
               "Datum der Maßnahme", "Personen", "Fehler", "Warnungen", "Fehlende Angaben", "Anlagen",
               "Quelle", "Signatur"]


def _csv(rows: list[list], header: list[str]) -> str:
    """CSV as German Excel opens it by double-click: BOM, semicolons, CRLF."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + buf.getvalue()


def render_csv(results: list[Result], with_values: bool = False) -> str:
    """One row per request; with values, one more column per form field."""
    names = list(dict.fromkeys(n for r in results if r.values for n in r.values)) if with_values else []
    rows = []
    for r in results:
        facts = r.facts
        row = [r.file, mail_text(r), r.status.value,
               f"ersetzt durch {r.superseded_by}" if r.superseded_by else "aktuell",
               r.kpb.name if r.kpb else "", r.kpb.bezirk if r.kpb else "",
               (facts.aktenzeichen or "") if facts else "", (facts.massnahme_datum or "") if facts else "",
               facts.personen if facts else "", r.count(Severity.FEHLER), r.count(Severity.WARNUNG),
               missing_text(r) if r.status is not Status.VOLLSTAENDIG or r.count(Severity.WARNUNG) else "",
               " | ".join(r.annexes), r.source.label if r.source else "", signature_text(r, with_values)]
        rows.append(row + [cell((r.values or {}).get(n)) for n in names])
    return _csv(rows, CSV_COLUMNS + names)


def values_json(values: dict[str, Value], meta: dict) -> str:
    return json.dumps({**meta, "values": values}, ensure_ascii=False, indent=2) + "\n"


def values_csv(values: dict[str, Value]) -> str:
    return _csv([[name, cell(v)] for name, v in values.items()], ["feld", "wert"])
