"""The own KPB: which one it is, and a warning on requests addressed to another one."""

from __future__ import annotations

from vhpdf.check.result import Finding, Result
from vhpdf.form.definition import FormDefinition, Kpb, Severity
from vhpdf.form.messages import text

RULE_OTHER_KPB = "andere-kpb"


def find_kpb(form: FormDefinition, name: str) -> Kpb | None:
    """The KPB called `name`: its full name, its short form ('KPB Unna', 'PP Bielefeld') or its town."""
    wanted = " ".join(name.split()).casefold()
    for k in form.kpb:
        short = f"{'PP' if k.art == 'pp' else 'KPB'} {k.ort}"
        if wanted in (k.name.casefold(), k.ort.casefold(), short.casefold()):
            return k
    return None


def mark_other_kpb(results: list[Result], form: FormDefinition, own: Kpb) -> None:
    """Warn on every readable request addressed to a KPB other than `own` (status unchanged:
    a misdirected request is forwarded, not sent back)."""
    for r in results:
        if r.kpb is None or r.kpb == own:
            continue
        r.findings.append(Finding(RULE_OTHER_KPB, Severity.WARNUNG, (form.kpb_field,),
                                  text("pruefung.andere_kpb", kpb=r.kpb.name, eigene=own.name),
                                  short=text("pruefung.andere_kpb_kurz", kpb=r.kpb.name)))
        r.findings.sort(key=lambda f: f.severity.rank)
