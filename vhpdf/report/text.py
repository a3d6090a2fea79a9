"""Reports: check results and extracted values rendered for people (German) and programs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from vhpdf.check.result import Result, Status
from vhpdf.form.definition import FormDefinition, Severity, Value, load_definition

_SYMBOL = {Status.VOLLSTAENDIG: "✔", Status.UNVOLLSTAENDIG: "✘", Status.UNLESBAR: "?"}
_COLOR = {Status.VOLLSTAENDIG: "green", Status.UNVOLLSTAENDIG: "red", Status.UNLESBAR: "yellow"}
_SEVERITY_LABEL = {Severity.FEHLER: "Fehler", Severity.WARNUNG: "Warnung", Severity.HINWEIS: "Hinweis"}
SUPERSEDED = "ersetzt"


# --- the facts of one row, shared by all formats ------------------------------------------------

def status_text(r: Result) -> str:
    return f"{r.status.value}, {SUPERSEDED}" if r.superseded_by else r.status.value


def mail_date(iso: str | None) -> str:
    """An ISO timestamp as a German date and time (or '' if there is none)."""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%d.%m.%Y %H:%M") if iso else ""
    except ValueError:
        return iso or ""


def mail_text(r: Result) -> str:
    if not r.mail:
        return ""
    parts = [p for p in (r.mail.sender, mail_date(r.mail.date)) if p]
    subject = r.mail.subject
    return " · ".join(parts + [f"„{subject}“" if subject else "(ohne Betreff)"])


def missing_words(r: Result, severity: Severity) -> list[str]:
    return list(dict.fromkeys(f.short or f.rule for f in r.findings if f.severity is severity))


def missing_text(r: Result) -> str:
    """The missing items in short words: 'Fehler: …; Warnung: …' (or the reason it is unreadable)."""
    if r.error:
        return r.error
    parts = [f"{_SEVERITY_LABEL[s]}: {', '.join(words)}"
             for s in (Severity.FEHLER, Severity.WARNUNG) if (words := missing_words(r, s))]
    return "; ".join(parts) or "—"


def changes_text(r: Result) -> str:
    """What changed against the previous version, field names only (values if kept)."""
    c = r.changes
    if not c:
        return ""
    parts = []
    for key, label in (("added", "neu"), ("changed", "geändert"), ("removed", "entfernt")):
        if c[key]:
            names = c[key]
            if "values" in c:
                names = [f"{n} ({_cell(c['values'][n][0])} → {_cell(c['values'][n][1])})" for n in names]
            parts.append(f"{label}: {', '.join(names)}")
    return "; ".join(parts) or "unverändert (Duplikat)"


def _cell(v: Value) -> str:
    return "" if v is None else ("ja" if v is True else "nein" if v is False else v)




def source_short(r: Result) -> str:
    """Where the values came from, in a word (with '+' when some came from elsewhere)."""
    if not r.source:
        return ""
    return r.source.short + ("+" if r.sources else "")


def summary(results: list[Result]) -> str:
    live = [r for r in results if not r.superseded_by]
    counts = {s: sum(1 for r in live if r.status is s) for s in Status}
    text = (f"{len(live)} Ersuchen geprüft: {counts[Status.VOLLSTAENDIG]} vollständig, "
            f"{counts[Status.UNVOLLSTAENDIG]} unvollständig, {counts[Status.UNLESBAR]} unlesbar")
    superseded = len(results) - len(live)
    if superseded:
        text += f"; dazu {superseded} ältere Fassung(en), durch eine neuere ersetzt"
    return text + "."


# --- terminal table -----------------------------------------------------------------------------

def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]


def render_table(results: list[Result], color: bool = False, with_values: bool = False) -> str:
    """One row per request (status, request, KPB, Aktenzeichen, what is missing), then a summary.

    Mail, version and annex notes follow a row indented; colour only when asked (a TTY).
    """
    import click

    header = ["Status", "Ersuchen", "Quelle", "KPB", "Bez.-Reg.", "Aktenzeichen", "Maßnahme", "Fehlt"]
    rows = []
    for r in results:
        symbol = "⟲" if r.superseded_by else _SYMBOL[r.status]
        facts = r.facts
        kpb = (f"{'PP' if r.kpb.art == 'pp' else 'KPB'} {r.kpb.ort}") if r.kpb else ""
        rows.append([f"{symbol} {r.status.value}", _clip(r.file, 48), source_short(r), kpb,
                     r.kpb.bezirk if r.kpb else "", (facts.aktenzeichen or "") if facts else "",
                     (facts.massnahme_datum or "") if facts else "", missing_text(r)])
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(7)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  " + header[7]]
    for r, row in zip(results, rows):
        cells = [c.ljust(w) for c, w in zip(row, widths)]
        if color:
            fg = "bright_black" if r.superseded_by else _COLOR[r.status]
            cells[0] = click.style(cells[0], fg=fg, bold=not r.superseded_by)
        out.append("  ".join(cells) + "  " + row[7])
        indent = " " * (widths[0] + 2)
        if r.mail:
            out.append(f"{indent}✉ {mail_text(r)}")
        if r.annexes:
            out.append(f"{indent}Anlagen: {', '.join(r.annexes)}")
        if r.superseded_by:
            out.append(f"{indent}ersetzt durch: {r.superseded_by}")
        if r.changes:
            out.append(f"{indent}gegenüber {r.changes['against']}: {changes_text(r)}")
        if with_values and r.values:
            form = load_definition()
            names = [f"{r.values.get(form.role('person_name', n)) or ''}, "
                     f"{r.values.get(form.role('person_vorname', n)) or ''}"
                     for n in range(1, form.persons_in(r.values) + 1)
                     if r.values.get(form.role("person_name", n))]
            if names:
                out.append(f"{indent}Personen: {'; '.join(names)}")
    if any(r.kpb for r in results):
        out.append("Bez.-Reg.: Bezirksregierung, deren Verbindungsbeamte bei Dissens vermitteln (Erlass Nr. 6).")
    out.append(summary(results))
    return "\n".join(out) + "\n"


def render_details(results: list[Result]) -> str:
    """Every finding with its message and legal basis, request by request."""
    out = []
    for r in results:
        out.append(f"{_SYMBOL[r.status]} {status_text(r)}  {r.file}")
        if r.error:
            out.append(f"    {r.error}")
        if r.source:
            mixed = sorted({s.label for s in r.sources.values()})
            out.append(f"    Quelle der Werte: {r.source.label}"
                       + (f" (teils: {', '.join(mixed)})" if mixed else ""))
        if r.kpb:
            out.append(f"    Empfänger: {r.kpb.name} (Regierungsbezirk {r.kpb.bezirk}; bei Dissens "
                       f"vermitteln die Verbindungsbeamten der Bezirksregierung {r.kpb.bezirk}, Erlass Nr. 6)")
        for f in r.findings:
            basis = f" [{f.basis}]" if f.basis else ""
            out.append(f"    {_SEVERITY_LABEL[f.severity]}: {f.message}{basis}")
    return "\n".join(out) + "\n"


# --- JSON and CSV -------------------------------------------------------------------------------

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
        "findings": [{"rule": f.rule, "severity": f.severity.value, "fields": list(f.fields),
                      "short": f.short, "message": f.message, "basis": f.basis} for f in r.findings],
        "values": r.values if with_values else None,
    }


def render_json(results: list[Result], with_values: bool = False) -> str:
    return json.dumps([result_dict(r, with_values) for r in results], ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["Datei", "E-Mail", "Status", "Fassung", "KPB", "Regierungsbezirk", "Aktenzeichen",
               "Datum der Maßnahme", "Personen", "Fehler", "Warnungen", "Fehlende Angaben", "Anlagen",
               "Quelle"]


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
               " | ".join(r.annexes), r.source.label if r.source else ""]
        rows.append(row + [_cell((r.values or {}).get(n)) for n in names])
    return _csv(rows, CSV_COLUMNS + names)


def values_json(values: dict[str, Value], meta: dict) -> str:
    return json.dumps({**meta, "values": values}, ensure_ascii=False, indent=2) + "\n"


def values_csv(values: dict[str, Value]) -> str:
    return _csv([[name, _cell(v)] for name, v in values.items()], ["feld", "wert"])


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


def fields_markdown(form: FormDefinition) -> str:
    """The data contract: every field with type, requirement, format and label, as Markdown."""
    lines = [f"# Felder: {form.title} (Formular {form.id}, Version {form.version})", "",
             "Personenblöcke wiederholen sich als `person1` … `personN` "
             f"(Standard {form.repeat.default}, höchstens {form.repeat.max}).", ""]
    for section in form.sections:
        lines += [f"## {section.heading}", "", "| Feld | Typ | Angabe | Format/Auswahl | Beschriftung |",
                  "|---|---|---|---|---|"]
        for f in section.fields:
            detail = f.format.description if f.format else ""
            if f.options:
                shown = [o.value for o in f.options]
                detail = ", ".join(shown[:6]) + (f" … ({len(shown)})" if len(shown) > 6 else "")
            lines.append(f"| `{f.name}` | {f.type.value} | {f.requirement.value} | {detail} | {f.label} |")
        lines.append("")
    return "\n".join(lines)
