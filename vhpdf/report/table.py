"""The terminal report: one line per request, and the findings in detail on request."""

from __future__ import annotations

from vhpdf.check.result import Result
from vhpdf.form.definition import load_definition
from vhpdf.form.messages import text
from vhpdf.report import privacy
from vhpdf.report.common import (
    COLOR,
    SYMBOL,
    changes_text,
    checked,
    clip,
    mail_text,
    missing_text,
    severity_label,
    signature_short,
    signature_text,
    source_label,
    source_short,
    status_cell,
    status_text,
    summary,
)


def render_table(results: list[Result], color: bool = False, with_values: bool = False) -> str:
    """One row per request (status, request, KPB, Aktenzeichen, what is missing), then a summary.

    Mail, version and annex notes follow a row indented; colour only when asked (a TTY).
    """
    import click

    header = [
        text("bericht.spalte_status"), text("bericht.spalte_ersuchen"), text("bericht.spalte_quelle"),
        text("bericht.spalte_signatur"), text("bericht.spalte_kpb"), text("bericht.spalte_bezreg_kurz"),
        text("bericht.spalte_aktenzeichen"), text("bericht.spalte_massnahme"), text("bericht.spalte_fehlt")]
    rows = []
    shown = checked(results)
    for r in shown:
        symbol = "⟲" if r.superseded_by else SYMBOL[r.status]
        facts = r.facts
        kpb = text("bericht.kpb_pp" if r.kpb.art == "pp" else "bericht.kpb_kpb", ort=r.kpb.ort) if r.kpb else ""
        status = r.status.value if r.superseded_by else status_cell(r)
        rows.append([f"{symbol} {status}", clip(r.file, 48), source_short(r), signature_short(r), kpb,
                     r.kpb.bezirk if r.kpb else "", (facts.aktenzeichen or "") if facts else "",
                     (facts.massnahme_datum or "") if facts else "", missing_text(r)])
    last = len(header) - 1
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(last)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  " + header[last]]
    for r, row in zip(shown, rows):
        cells = [c.ljust(w) for c, w in zip(row, widths)]
        if color:
            fg = "bright_black" if r.superseded_by else COLOR[r.status]
            cells[0] = click.style(cells[0], fg=fg, bold=not r.superseded_by)
        out.append("  ".join(cells) + "  " + row[last])
        indent = " " * (widths[0] + 2)
        if r.signature and r.signature.signatures:
            out.append(indent + text("bericht.signatur_zeile", signatur=signature_text(r, with_values)))
        if r.mail:
            out.append(f"{indent}✉ {mail_text(r)}")
        if r.annexes:
            out.append(indent + text("bericht.zeile_anlagen", anlagen=", ".join(r.annexes)))
        if r.superseded_by:
            out.append(indent + text("bericht.zeile_ersetzt", datei=r.superseded_by))
        if r.changes:
            out.append(indent + text("bericht.zeile_aenderungen", datei=r.changes["against"],
                                     aenderungen=changes_text(r, with_values)))
        if values := privacy.values(r, with_values):
            form = load_definition()
            names = [text("bericht.person", name=values.get(form.role("person_name", n)) or "",
                          vorname=values.get(form.role("person_vorname", n)) or "")
                     for n in range(1, form.persons_in(values) + 1)
                     if values.get(form.role("person_name", n))]
            if names:
                out.append(indent + text("bericht.zeile_personen", personen="; ".join(names)))
    if any(r.kpb for r in results):
        out.append(text("bericht.fussnote_bezreg"))
    out.append(summary(results))
    return "\n".join(out) + "\n"


def render_details(results: list[Result], with_values: bool = False) -> str:
    """Every finding with its message and legal basis, request by request."""
    out = []
    for r in checked(results):
        out.append(f"{SYMBOL[r.status]} {status_text(r)}  {r.file}")
        if r.error:
            out.append(f"    {r.error}")
        if r.source:
            out.append(f"    {text('bericht.quelle_der_werte')}: {source_label(r)}")
        if r.signature:
            out.append(f"    {text('bericht.spalte_signatur')}: {signature_text(r)}")
        if r.form_version:
            out.append(f"    {text('bericht.formularversion')}: {r.form_version}")
        if r.kpb:
            out.append("    " + text("bericht.empfaenger_details", name=r.kpb.name, bezirk=r.kpb.bezirk))
        for f in r.findings:
            if f.basis:
                line = text("bericht.befund_grundlage", schwere=severity_label(f.severity),
                            meldung=privacy.message(f, with_values), grundlage=f.basis)
            else:
                line = text("bericht.befund", schwere=severity_label(f.severity),
                            meldung=privacy.message(f, with_values))
            out.append("    " + line)
    return "\n".join(out) + "\n"


# --- JSON and CSV -------------------------------------------------------------------------------
