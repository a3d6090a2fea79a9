"""The HTML report: one self-contained file (no external resources), a sortable table of the
requests and a detail section per request; prints on A4 without the sorting controls."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Iterator
from typing import TextIO

from vhpdf.check.result import Result, Status
from vhpdf.form.definition import Severity
from vhpdf.form.messages import text
from vhpdf.read.errors import ErrorKind
from vhpdf.report import privacy
from vhpdf.report.common import (
    SYMBOL,
    cell,
    changes_text,
    mail_text,
    missing_text,
    severity_label,
    signature_short,
    signature_text,
    source_label,
    status_cell,
    status_text,
    summary,
)

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#111}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border:1px solid #bbb;padding:.3em .4em;vertical-align:top;text-align:left;overflow-wrap:break-word}
th{font-size:.9em}
thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
th{background:#eee;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}
#uebersicht th:nth-child(1){width:8%}#uebersicht th:nth-child(2){width:10%}#uebersicht th:nth-child(3){width:7%}
#uebersicht th:nth-child(4){width:8%}#uebersicht th:nth-child(5){width:10%}#uebersicht th:nth-child(6){width:8%}
#uebersicht th:nth-child(7){width:6%}#uebersicht th:nth-child(8){width:6%}#uebersicht th:nth-child(9){width:6%}
#uebersicht th:nth-child(10){width:5%}#uebersicht th:nth-child(11){width:7.5%}#uebersicht th:nth-child(12){width:18.5%}
.befunde th:nth-child(1){width:10%}.befunde th:nth-child(3){width:25%}
.st-ok{color:#075e07}.st-fehlt{color:#a00}.st-unlesbar{color:#8a5a00}.st-ersetzt{color:#666}
.fehler{color:#a00}.warnung{color:#8a5a00}.hinweis{color:#333}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2em 1em}dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
@media print{body{margin:0;font-size:8pt}th{cursor:auto}th::after{content:""!important}
a{color:inherit;text-decoration:none}section{break-before:page;page-break-before:always}
@page{size:A4 landscape;margin:12mm}}
"""

_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th, col){
  th.addEventListener('click', function(){
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var key = function(row){ var c = row.cells[col]; return c.getAttribute('data-sort') || c.textContent.trim(); };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function(a, b){
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'de');
      return asc ? r : -r;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


_CLASS = {Status.VOLLSTAENDIG: "st-ok", Status.UNVOLLSTAENDIG: "st-fehlt", Status.UNLESBAR: "st-unlesbar"}


# "§ 62", "§§ 47–49": the browser must not break a line between the sign and its number
_PARAGRAPH = re.compile(r"(§+) (?=\w)")


def _e(value) -> str:
    """Text for the page: escaped, the paragraph sign bound to its number by a no-break space."""
    return _PARAGRAPH.sub("\\1&nbsp;", html.escape("" if value is None else str(value)))


def _sortable_date(date: str | None) -> str:
    parts = (date or "").split(".")
    return "-".join(reversed(parts)) if len(parts) == 3 else (date or "")


def _row(i: int, r: Result) -> str:
    facts = r.facts
    cls = "st-ersetzt" if r.superseded_by else _CLASS[r.status]
    cells = [
        (f'<span class="{cls}">{SYMBOL[r.status]} {_e(status_cell(r))}</span>', status_text(r)),
        (f'<a href="#ersuchen-{i}">{_e(r.file)}</a>', r.file),
        (_e(mail_text(r)), None),
        (_e(r.kpb.name if r.kpb else ""), None),
        (_e(r.kpb.bezirk if r.kpb else ""), None),
        (_e(facts.aktenzeichen if facts else ""), None),
        (_e(facts.massnahme_datum if facts else ""), _sortable_date(facts.massnahme_datum if facts else "")),
        (_e(facts.personen if facts else ""), None),
        (_e(signature_short(r)), None),
        (str(r.count(Severity.FEHLER)), None),
        (str(r.count(Severity.WARNUNG)), None),
        (_e(missing_text(r)), None),
    ]
    tds = "".join(f'<td data-sort="{_e(key)}">{c}</td>' if key is not None else f"<td>{c}</td>"
                  for c, key in cells)
    return f"<tr>{tds}</tr>"


def _detail(i: int, r: Result, with_values: bool) -> str:
    facts = r.facts
    items = [(text("bericht.spalte_status"), status_text(r))]
    if r.mail:
        items.append((text("bericht.spalte_email"), mail_text(r)))
    if r.kpb:
        items.append((text("bericht.empfaenger"),
                      text("bericht.empfaenger_html", name=r.kpb.name, bezirk=r.kpb.bezirk)))
    if facts:
        items += [(text("bericht.spalte_aktenzeichen"), facts.aktenzeichen or "—"),
                  (text("bericht.spalte_ersuchen_datum"), facts.ersuchen_datum or "—"),
                  (text("bericht.spalte_massnahme_datum"), facts.massnahme_datum or "—"),
                  (text("bericht.spalte_personen"), str(facts.personen))]
    if r.form_version:
        items.append((text("bericht.formular"), f"{r.form_id} {r.form_version}"))
    if r.source:
        items.append((text("bericht.quelle_der_werte"), source_label(r)))
    if r.signature:
        items.append((text("bericht.spalte_signatur"), signature_text(r, with_values)))
    items.append((text("bericht.spalte_anlagen"), ", ".join(r.annexes) or text("bericht.keine")))
    if r.superseded_by:
        items.append((text("bericht.ersetzt_durch"), r.superseded_by))
    if r.changes:
        items.append((text("bericht.aenderungen_gegenueber", datei=r.changes["against"]), changes_text(r, with_values)))
    if r.error:
        items.append((text("bericht.unlesbar"), r.error))
    out = [f'<section id="ersuchen-{i}"><h2>{_e(r.file)}</h2><dl>']
    out += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items]
    out.append("</dl>")
    if r.findings:
        heads = (text("bericht.schwere"), text("bericht.befund_titel"), text("bericht.grundlage"))
        out.append('<table class="befunde"><thead><tr>' + "".join(f"<th>{_e(h)}</th>" for h in heads)
                   + "</tr></thead><tbody>")
        out += [f'<tr><td class="{f.severity.value}">{_e(severity_label(f.severity))}</td>'
                f"<td>{_e(privacy.message(f, with_values))}</td><td>{_e(f.basis)}</td></tr>" for f in r.findings]
        out.append("</tbody></table>")
    if values := privacy.values(r, with_values):
        out.append(f"<h3>{_e(text('bericht.ausgelesene_werte'))}</h3><table><tbody>")
        out += [f"<tr><th>{_e(n)}</th><td>{_e(cell(v))}</td></tr>"
                for n, v in values.items() if v not in (None, False, "")]
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)


def headers() -> list[str]:
    """The column names of the overview table."""
    return [text("bericht.spalte_status"), text("bericht.spalte_datei"), text("bericht.spalte_email"),
            text("bericht.spalte_kpb"), text("bericht.spalte_regierungsbezirk"),
            text("bericht.spalte_aktenzeichen"), text("bericht.spalte_massnahme_datum"),
            text("bericht.spalte_personen"), text("bericht.spalte_signatur"),
            text("bericht.spalte_fehler"), text("bericht.spalte_warnungen"),
            text("bericht.spalte_fehlende")]


def _shown(results: Iterable[Result]) -> Iterator[Result]:
    """The rows, lazily: every input but the skipped files (those are named in the summary)."""
    return (r for r in results if r.error_kind is not ErrorKind.SKIPPED)


def write_html(results: Iterable[Result], out: TextIO, with_values: bool = False,
               everything: Iterable[Result] | None = None) -> None:
    """The HTML report, one request at a time (`results` is read twice: overview, then details).

    `everything` (default: `results`) is what the summary counts; light copies will do.
    """
    head = "".join(f"<th>{_e(h)}</th>" for h in headers())
    note = "" if with_values else f"<p>{text('bericht.ohne_werte_html')}</p>"
    title = _e(text("bericht.titel"))
    out.write(f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{_CSS}</style></head>
<body><h1>{title}</h1>
<p>{_e(summary(list(everything if everything is not None else results)))}</p>{note}
<table class="sortable" id="uebersicht"><thead><tr>{head}</tr></thead><tbody>
""")
    for i, r in enumerate(_shown(results), 1):
        out.write(("\n" if i > 1 else "") + _row(i, r))
    out.write("\n</tbody></table>\n")
    for i, r in enumerate(_shown(results), 1):
        out.write(("\n" if i > 1 else "") + _detail(i, r, with_values))
    out.write(f"""
<script>{_JS}</script>
</body></html>
""")


def render_html(results: Iterable[Result], with_values: bool = False) -> str:
    buf = io.StringIO()
    write_html(results, buf, with_values)
    return buf.getvalue()
