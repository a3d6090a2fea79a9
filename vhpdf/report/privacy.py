"""The one privacy rule every output follows: a person's values appear only where asked for.

Asked for means `--mit-werten` in a report (table, JSON, CSV, HTML). Replies never quote values:
they name fields by label and use only what addresses them (Aktenzeichen, dates, the requesting
authority and its caseworker). Which fields hold a person's data is data: `personal = true` in
forms/. Every report and reply takes values, changes and finding texts from here.
"""

from __future__ import annotations

from vhpdf.check.result import Finding, Result
from vhpdf.form.definition import FormDefinition, Value

# Personal, but what a reply is addressed with: the caseworker's name and mail address.
ADDRESSING = ("kontakt_name", "kontakt_email")
_ELIDED = "…"


def message(f: Finding, with_values: bool) -> str:
    """A finding's message; the wording that quotes printed and stored text only with values."""
    return f.quoted if with_values and f.quoted else f.message


def values(r: Result, with_values: bool) -> dict[str, Value] | None:
    return r.values if with_values else None


def changes(r: Result, with_values: bool) -> dict | None:
    """What changed against the previous version: field names always, values only if asked."""
    if not r.changes or with_values:
        return r.changes
    return {k: v for k, v in r.changes.items() if k != "values"}


def reply_values(form: FormDefinition, r: Result) -> dict[str, Value]:
    """The values a reply may use: no personal field except those it is addressed with."""
    addressing = {form.role(role) for role in ADDRESSING}
    fields = form.field_map(form.persons_in(r.values or {}))
    return {n: v for n, v in (r.values or {}).items()
            if n in addressing or (n in fields and not fields[n].personal)}


def redact(line: str, form: FormDefinition, r: Result) -> str:
    """`line` with every personal value of `r` elided: a last guard for text that leaves the KPB."""
    fields = form.field_map(form.persons_in(r.values or {}))
    secrets = sorted((" ".join(v.split()) for n, v in (r.values or {}).items()
                      if isinstance(v, str) and n in fields and fields[n].personal and len(v.strip()) > 2),
                     key=len, reverse=True)
    for secret in secrets:
        line = line.replace(secret, _ELIDED)
    return line
