"""Words and pieces every report shares: status symbols, mail lines, what is missing, summaries."""

from __future__ import annotations

import datetime as dt

from vhpdf.check.result import Result, Status
from vhpdf.form.definition import Severity, Value
from vhpdf.form.messages import text
from vhpdf.read.errors import ErrorKind
from vhpdf.read.signature import SignatureState

SYMBOL = {Status.VOLLSTAENDIG: "✔", Status.UNVOLLSTAENDIG: "✘", Status.UNLESBAR: "?"}
COLOR = {Status.VOLLSTAENDIG: "green", Status.UNVOLLSTAENDIG: "red", Status.UNLESBAR: "yellow"}


# --- the facts of one row, shared by all formats ------------------------------------------------

def severity_label(severity: Severity) -> str:
    return {Severity.FEHLER: text("bericht.schwere_fehler"), Severity.WARNUNG: text("bericht.schwere_warnung"),
            Severity.HINWEIS: text("bericht.schwere_hinweis")}[severity]


def status_text(r: Result) -> str:
    return text("bericht.status_ersetzt", status=r.status.value) if r.superseded_by else r.status.value


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
    return " · ".join(parts + [text("bericht.betreff", betreff=subject) if subject else text("bericht.ohne_betreff")])


def missing_words(r: Result, severity: Severity) -> list[str]:
    return list(dict.fromkeys(f.short or f.rule for f in r.findings if f.severity is severity))


def missing_text(r: Result) -> str:
    """The missing items in short words: 'Fehler: …; Warnung: …' (or the reason it is unreadable)."""
    if r.error:
        return r.error
    parts = [text("bericht.fehlt", schwere=severity_label(s), angaben=", ".join(words))
             for s in (Severity.FEHLER, Severity.WARNUNG) if (words := missing_words(r, s))]
    return "; ".join(parts) or "—"


def changes_text(r: Result, with_values: bool = False) -> str:
    """What changed against the previous version, field names only (values if asked for)."""
    from vhpdf.report.privacy import changes

    c = changes(r, with_values)
    if not c:
        return ""
    parts = []
    for key, label in (("added", text("bericht.aenderung_neu")), ("changed", text("bericht.aenderung_geaendert")),
                       ("removed", text("bericht.aenderung_entfernt"))):
        if c[key]:
            names = c[key]
            if "values" in c:
                names = [f"{n} ({cell(c['values'][n][0])} → {cell(c['values'][n][1])})" for n in names]
            parts.append(text("bericht.aenderung", art=label, felder=", ".join(names)))
    return "; ".join(parts) or text("bericht.unveraendert")


def cell(v: Value) -> str:
    return "" if v is None else (text("bericht.ja") if v is True else text("bericht.nein") if v is False else v)


SIGNATURE_SHORT = {
    SignatureState.UNSIGNED: "bericht.signatur_keine", SignatureState.VALID: "bericht.signatur_gueltig",
    SignatureState.VALID_EARLIER_REVISION: "bericht.signatur_gueltig_zusaetze",
    SignatureState.CHANGED_AFTER_SIGNING: "bericht.signatur_geaendert",
    SignatureState.BROKEN: "bericht.signatur_ungueltig", SignatureState.NOT_VERIFIED: "bericht.signatur_ungeprueft",
}
TRUST_TEXT = {True: "bericht.signatur_vertrauen", False: "bericht.signatur_kein_vertrauen",
              None: "bericht.signatur_vertrauen_ungeprueft"}


def signature_short(r: Result) -> str:
    """The signature state in a word for table columns ('' where the file was unreadable)."""
    return text(SIGNATURE_SHORT[r.signature.state]) if r.signature else ""


def signature_text(r: Result, with_values: bool = False) -> str:
    """The signature in a sentence: state, signers with time, trust, changed fields (values if kept)."""
    sig = r.signature
    if sig is None:
        return ""
    parts = [sig.state.label]
    for s in sig.signatures:
        when = mail_date(s.signed_at)
        scope = ("" if s.state in (SignatureState.BROKEN, SignatureState.NOT_VERIFIED)
                 else text("bericht.signatur_ganzes_dokument") if s.whole_document
                 else text("bericht.signatur_fruehere_fassung"))
        parts.append(f"{s.field}: {s.signer or '?'}" + (f", {when}" if when else "") + scope)
    if sig.changed_fields:
        names = list(sig.changed_fields)
        if with_values and r.values is not None:
            names = [text("bericht.signatur_feld_jetzt", name=n, wert=cell(r.values.get(n))) for n in names]
        parts.append(text("bericht.signatur_geaendert_felder", felder=", ".join(names)))
    if sig.reasons:
        parts.append(sig.reasons)
    if sig.signatures:
        parts += [text(TRUST_TEXT[sig.trusted]), text("bericht.signatur_sperrstatus")]
    return "; ".join(parts)


def signature_dict(r: Result) -> dict | None:
    """The signature for JSON: field names only; values never (they are under `values`)."""
    sig = r.signature
    if sig is None:
        return None
    return {"state": sig.state.value, "label": sig.state.label, "trusted": sig.trusted,
            "changed_fields": list(sig.changed_fields), "reason": sig.reasons or None,
            "revocation_checked": False,
            "signatures": [{"field": s.field, "state": s.state.value, "signer": s.signer,
                            "signed_at": s.signed_at or None, "whole_document": s.whole_document,
                            "changed_fields": list(s.changed_fields), "trusted": s.trusted,
                            "reason": s.reason or None} for s in sig.signatures]}


def source_short(r: Result) -> str:
    """Where the values came from, in a word (with '+' when some came from elsewhere)."""
    if not r.source:
        return ""
    return r.source.short + ("+" if r.sources else "")


def source_label(r: Result) -> str:
    """Where the values came from, in words, naming the other sources of some values."""
    if not r.source:
        return ""
    mixed = sorted({s.label for s in r.sources.values()})
    if mixed:
        return text("bericht.quelle_teils", quelle=r.source.label, weitere=", ".join(mixed))
    return r.source.label


def checked(results: list[Result]) -> list[Result]:
    """The results that are rows: every input except the files skipped as neither PDF nor mail."""
    return [r for r in results if r.error_kind is not ErrorKind.SKIPPED]


def skipped(results: list[Result]) -> list[Result]:
    return [r for r in results if r.error_kind is ErrorKind.SKIPPED]


def not_pdf(r: Result) -> bool:
    """Whether `r` is a file named on its own that is neither PDF nor mail: an input, no request."""
    return r.mail is None and r.error_kind is ErrorKind.NOT_PDF


def summary(results: list[Result]) -> str:
    """Inputs (files and mails), requests by status, superseded versions and skipped files."""
    rows = checked(results)
    line = _counts(rows)
    strays = [r for r in rows if not_pdf(r)]
    if strays:
        line += " " + text("bericht.zusammenfassung_keine_pdf", dateien=_count("datei", len(strays)),
                           namen=", ".join(r.file for r in strays))
    left_out = skipped(results)
    if left_out:
        line += " " + text("bericht.zusammenfassung_uebersprungen", dateien=_count("datei", len(left_out)),
                           namen=", ".join(r.file for r in left_out))
    return line


_NOUNS = {"datei": ("bericht.datei", "bericht.dateien"), "eingang": ("bericht.eingang", "bericht.eingaenge")}


def _count(noun: str, n: int) -> str:
    """The count with its noun, singular or plural (separate catalogue keys)."""
    one, many = _NOUNS[noun]
    return text(one) if n == 1 else text(many, anzahl=n)


def _counts(results: list[Result]) -> str:
    live = [r for r in results if not r.superseded_by and not not_pdf(r)]
    counts = {s: sum(1 for r in live if r.status is s) for s in Status}
    inputs = len({r.mail.id if r.mail else r.file for r in results})
    numbers = {"eingaenge": _count("eingang", inputs), "anzahl": len(live),
               "vollstaendig": counts[Status.VOLLSTAENDIG], "unvollstaendig": counts[Status.UNVOLLSTAENDIG],
               "unlesbar": counts[Status.UNLESBAR]}
    superseded = sum(1 for r in results if r.superseded_by)
    if superseded:
        return text("bericht.zusammenfassung_ersetzt", ersetzt=superseded, **numbers)
    return text("bericht.zusammenfassung", **numbers)


# --- terminal table -----------------------------------------------------------------------------

def clip(line: str, width: int) -> str:
    """`line` cut in the middle to `width`: the start (mailbox, folder) and the file name stay."""
    if len(line) <= width:
        return line
    cut = max(line.rfind(" › "), line.rfind("/"))
    tail = line[cut:] if cut > 0 else line[-(width // 2):]
    head = width - 1 - len(tail)
    if head < 8:  # the file name alone is too long: keep its end
        return "…" + line[-(width - 1):]
    return line[:head] + "…" + tail


def status_cell(r: Result) -> str:
    """The status in words, marked when the printout does not show what is stored."""
    marked = status_text(r)
    return text("bericht.status_ausdruck", status=marked) if r.misprints else marked
