"""Reports: check results and extracted values rendered for people (German) and programs."""

from __future__ import annotations

import csv
import io
import json

from .check import Result, Status
from .definition import FormDefinition, Severity, Value
from .extract import SOURCE_LABEL

_SYMBOL = {Status.VOLLSTAENDIG: "✔", Status.UNVOLLSTAENDIG: "✘", Status.UNLESBAR: "?"}
_COLOR = {Status.VOLLSTAENDIG: "green", Status.UNVOLLSTAENDIG: "red", Status.UNLESBAR: "yellow"}
_SEVERITY_LABEL = {Severity.FEHLER: "Fehler", Severity.WARNUNG: "Warnung", Severity.HINWEIS: "Hinweis"}


def summary(results: list[Result]) -> str:
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    return (f"{len(results)} Datei(en) geprüft: {counts[Status.VOLLSTAENDIG]} vollständig, "
            f"{counts[Status.UNVOLLSTAENDIG]} unvollständig, {counts[Status.UNLESBAR]} unlesbar.")


def render_table(results: list[Result], color: bool = False) -> str:
    """The terminal report: one block per file, then a summary line."""
    import click

    out = []
    for r in results:
        status = f"{_SYMBOL[r.status]} {r.status.value}"
        if color:
            status = click.style(status, fg=_COLOR[r.status], bold=True)
        head = f"{status}  {r.file}"
        if r.form_version:
            head += f"  (Formular {r.form_id} {r.form_version})"
        out.append(head)
        if r.error:
            out.append(f"    {r.error}")
        if r.source:
            mixed = sorted({SOURCE_LABEL[s] for s in r.sources.values()})
            out.append(f"    Quelle der Werte: {SOURCE_LABEL[r.source]}"
                       + (f" (teils: {', '.join(mixed)})" if mixed else ""))
        if r.kpb:
            out.append(f"    Empfänger: {r.kpb.name} (Regierungsbezirk {r.kpb.bezirk}; bei Dissens "
                       f"vermitteln die Verbindungsbeamten der Bezirksregierung {r.kpb.bezirk}, Erlass Nr. 6)")
        for f in r.findings:
            basis = f" [{f.basis}]" if f.basis else ""
            out.append(f"    {_SEVERITY_LABEL[f.severity]}: {f.message}{basis}")
    out.append(summary(results))
    return "\n".join(out) + "\n"


def result_dict(r: Result) -> dict:
    return {
        "file": r.file,
        "status": r.status.value,
        "form": {"id": r.form_id, "version": r.form_version},
        "kpb": {"name": r.kpb.name, "regierungsbezirk": r.kpb.bezirk} if r.kpb else None,
        "error": r.error,
        "source": r.source,
        "sources": r.sources,
        "findings": [{"rule": f.rule, "severity": f.severity.value, "fields": list(f.fields),
                      "message": f.message, "basis": f.basis} for f in r.findings],
        "values": r.values,
    }


def render_json(results: list[Result]) -> str:
    return json.dumps([result_dict(r) for r in results], ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["datei", "status", "formular", "version", "kpb", "regierungsbezirk", "fehler",
               "warnungen", "hinweise", "befunde", "quelle"]


def _csv(rows: list[list], header: list[str]) -> str:
    """CSV as German Excel opens it by double-click: BOM, semicolons, CRLF."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff" + buf.getvalue()


def render_csv(results: list[Result]) -> str:
    rows = [[r.file, r.status.value, r.form_id or "", r.form_version or "",
             r.kpb.name if r.kpb else "", r.kpb.bezirk if r.kpb else "",
             r.count(Severity.FEHLER), r.count(Severity.WARNUNG), r.count(Severity.HINWEIS),
             " | ".join([r.error] if r.error else [f.message for f in r.findings]),
             r.source or ""]
            for r in results]
    return _csv(rows, CSV_COLUMNS)


def values_json(values: dict[str, Value], meta: dict) -> str:
    return json.dumps({**meta, "values": values}, ensure_ascii=False, indent=2) + "\n"


def values_csv(values: dict[str, Value]) -> str:
    def cell(v: Value) -> str:
        return "" if v is None else ("ja" if v is True else "nein" if v is False else v)

    return _csv([[name, cell(v)] for name, v in values.items()], ["feld", "wert"])


def rules_markdown(form: FormDefinition) -> str:
    """The rules catalogue as a German Markdown table."""
    labels = form.field_map(1)

    def field_label(name: str) -> str:
        f = labels.get(name.replace("{n}", "1").replace("*", "1"))
        return f"{f.label} (`{name}`)" if f and "*" not in name else f"`{name}`"

    lines = [f"# Prüfregeln: {form.title} (Formular {form.id}, Version {form.version})", "",
             "| Regel | Schwere | Grundlage | Felder | Meldung |", "|---|---|---|---|---|"]
    for r in form.rules:
        fields = ", ".join(field_label(n) for n in r.named_fields)
        message = r.message.replace("|", "\\|")
        lines.append(f"| {r.id} | {r.severity.value} | {r.basis} | {fields} | {message} |")
    return "\n".join(lines) + "\n"
