"""After checking: one row per request.

- A PDF attachment that is no form at all (e.g. the court order sent with the request) is not a
  request of its own when its mail carries a readable request: it is already listed as that
  request's annex. A damaged one becomes a warning on that request ("Anlage X ist beschädigt").
- Requests with the same Aktenzeichen and the same first person (name, first name, date of birth)
  are versions of one request. The newest by request date, then by mail date, is current; the
  others are marked superseded, and each newer version says which fields changed against the
  version before it.
"""

from __future__ import annotations

import datetime as dt

from vhpdf.check.result import Finding, Result, Status
from vhpdf.form.definition import Severity
from vhpdf.form.formats import parse_date
from vhpdf.form.messages import text
from vhpdf.read.errors import ErrorKind


def _is_form(r: Result) -> bool:
    return not (r.status is Status.UNLESBAR and r.error_kind is not None and r.error_kind.not_a_form)


def _is_request(r: Result) -> bool:
    return r.status is not Status.UNLESBAR or r.error_kind is ErrorKind.CONFLICT


def _damaged_annex(r: Result) -> bool:
    return r.status is Status.UNLESBAR and r.error_kind is not None and r.error_kind.damaged


def _fold_annex_pdfs(results: list[Result]) -> list[Result]:
    mails_with_form = {r.mail.id for r in results if r.mail and _is_form(r)}
    requests: dict[str, list[Result]] = {}
    for r in results:
        if r.mail and _is_request(r):
            requests.setdefault(r.mail.id, []).append(r)
    kept = []
    for r in results:
        holders = requests.get(r.mail.id, []) if r.mail else []
        if holders and _damaged_annex(r):
            assert r.mail is not None
            name = r.file.removeprefix(f"{r.mail.id} › ")
            finding = _annex_finding(name, r)
            for holder in holders:
                add_finding(holder, finding)
        elif _is_form(r) or not (r.mail and r.mail.id in mails_with_form):
            kept.append(r)
    return kept


def add_finding(r: Result, finding: Finding) -> None:
    """Add `finding` to `r` once (an equal one moves to the end), findings kept by severity."""
    r.findings = [f for f in r.findings if f != finding] + [finding]
    r.findings.sort(key=lambda f: f.severity.rank)


def _annex_finding(name: str, annex: Result) -> Finding:
    return Finding("anlage-beschaedigt", Severity.WARNUNG, (),
                   text("pruefung.anlage_beschaedigt", anlage=name, grund=annex.error or ""),
                   short=text("pruefung.anlage_beschaedigt_kurz"))


def _order_key(indexed: tuple[int, Result]):
    i, r = indexed
    request = parse_date(r.facts.ersuchen_datum) if r.facts else None
    mail_date = None
    if r.mail and r.mail.date:
        try:
            mail_date = dt.datetime.fromisoformat(r.mail.date)
            if mail_date.tzinfo is None:
                mail_date = mail_date.replace(tzinfo=dt.UTC)
        except ValueError:
            mail_date = None
    return (request or dt.date.min, mail_date or dt.datetime.min.replace(tzinfo=dt.UTC), i)


def changes(old: Result, new: Result) -> dict:
    """Field names added, changed and removed from `old` to `new` (values only if both kept them)."""
    assert old.facts is not None and new.facts is not None  # organize groups only these
    a, b = old.facts.fingerprint_map(), new.facts.fingerprint_map()
    added = sorted(n for n in b if n not in a)
    changed = sorted(n for n in b if n in a and a[n] != b[n])
    removed = sorted(n for n in a if n not in b)
    out: dict = {"against": old.file, "added": added, "changed": changed, "removed": removed}
    if old.values is not None and new.values is not None:
        out["values"] = {n: [old.values.get(n), new.values.get(n)] for n in added + changed + removed}
    return out


def organize(results: list[Result]) -> list[Result]:
    """Fold annex PDFs into their mail's request and mark superseded versions (order kept)."""
    results = _fold_annex_pdfs(results)
    groups: dict[str, list[tuple[int, Result]]] = {}
    for i, r in enumerate(results):
        r.superseded_by, r.changes = None, None
        if r.status is not Status.UNLESBAR and r.facts and r.facts.version_key:
            groups.setdefault(r.facts.version_key, []).append((i, r))
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = [r for _, r in sorted(members, key=_order_key)]
        current = ordered[-1]
        for older, newer in zip(ordered, ordered[1:]):
            newer.changes = changes(older, newer)
            older.superseded_by = current.file
    return results
