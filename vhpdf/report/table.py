"""The terminal report: one line per request, and the findings in detail on request."""

from __future__ import annotations

from vhpdf.check.result import Result
from vhpdf.form.definition import load_definition
from vhpdf.report.common import (
    COLOR,
    SEVERITY_LABEL,
    SYMBOL,
    changes_text,
    clip,
    mail_text,
    missing_text,
    source_short,
    status_text,
    summary,
)


def render_table(results: list[Result], color: bool = False, with_values: bool = False) -> str:
    """One row per request (status, request, KPB, Aktenzeichen, what is missing), then a summary.

    Mail, version and annex notes follow a row indented; colour only when asked (a TTY).
    """
    import click

    header = ["Status", "Ersuchen", "Quelle", "KPB", "Bez.-Reg.", "Aktenzeichen", "Maßnahme", "Fehlt"]
    rows = []
    for r in results:
        symbol = "⟲" if r.superseded_by else SYMBOL[r.status]
        facts = r.facts
        kpb = (f"{'PP' if r.kpb.art == 'pp' else 'KPB'} {r.kpb.ort}") if r.kpb else ""
        rows.append([f"{symbol} {r.status.value}", clip(r.file, 48), source_short(r), kpb,
                     r.kpb.bezirk if r.kpb else "", (facts.aktenzeichen or "") if facts else "",
                     (facts.massnahme_datum or "") if facts else "", missing_text(r)])
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(7)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  " + header[7]]
    for r, row in zip(results, rows):
        cells = [c.ljust(w) for c, w in zip(row, widths)]
        if color:
            fg = "bright_black" if r.superseded_by else COLOR[r.status]
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
        out.append(f"{SYMBOL[r.status]} {status_text(r)}  {r.file}")
        if r.error:
            out.append(f"    {r.error}")
        if r.source:
            mixed = sorted({s.label for s in r.sources.values()})
            out.append(f"    Quelle der Werte: {r.source.label}"
                       + (f" (teils: {', '.join(mixed)})" if mixed else ""))
        if r.form_version:
            out.append(f"    Formularversion: {r.form_version}")
        if r.kpb:
            out.append(f"    Empfänger: {r.kpb.name} (Regierungsbezirk {r.kpb.bezirk}; bei Dissens "
                       f"vermitteln die Verbindungsbeamten der Bezirksregierung {r.kpb.bezirk}, Erlass Nr. 6)")
        for f in r.findings:
            basis = f" [{f.basis}]" if f.basis else ""
            out.append(f"    {SEVERITY_LABEL[f.severity]}: {f.message}{basis}")
    return "\n".join(out) + "\n"


# --- JSON and CSV -------------------------------------------------------------------------------
