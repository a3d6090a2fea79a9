"""Replies to the ABH for incomplete requests: German text and a ready-to-send .eml (never sent).

A reply is addressed from the request's own contact data (Sachbearbeitung, else the sender of the
mail it came in), quotes Aktenzeichen and date, lists what is missing with its legal basis and
names the Bezirksregierung whose police liaison officers mediate (decree point 6). It necessarily
contains some personal data (Aktenzeichen, contact), so it is only written when asked for, with
owner-only permissions and never over an existing file unless forced.
"""

from __future__ import annotations

import email.policy
import email.utils
import os
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from vhpdf.check.result import Result, Status
from vhpdf.form.definition import Severity, load_definition
from vhpdf.read.signature import SignatureState
from vhpdf.report.common import mail_date
from vhpdf.report.output import OutputError, write_output

# The written form, said plainly (the findings carry the exact reason and basis).
SIGNATURE_REPLY = {
    SignatureState.UNSIGNED: "Das Ersuchen ist nicht elektronisch signiert. Per E-Mail ersetzt es die "
    "Schriftform nur mit einer qualifizierten elektronischen Signatur (§ 3a VwVfG NRW); bitte senden "
    "Sie es qualifiziert elektronisch signiert oder unterschrieben auf Papier.",
    SignatureState.BROKEN: "Die elektronische Signatur des Ersuchens ist ungültig: Das Dokument wurde "
    "nach dem Signieren verändert oder die Signatur ist beschädigt. Bitte senden Sie es neu signiert.",
    SignatureState.CHANGED_AFTER_SIGNING: "Das Ersuchen wurde nach der elektronischen Signatur noch "
    "geändert; diese Änderungen deckt die Signatur nicht. Bitte senden Sie es mit den endgültigen "
    "Angaben neu signiert.",
}

DECREE = "Erlass des MKJFGFI NRW vom 06.09.2024 (Az. 26.19.01-000009)"


class ReplyError(Exception):
    """Replies cannot be written; the message is German."""


@dataclass(frozen=True)
class Reply:
    source: str
    to: str  # "Name <address>" or "" if no address is known
    subject: str
    head: str  # address block and subject line, for the .txt
    body: str  # from the salutation on; the .eml's body
    in_reply_to: str = ""  # Message-ID of the mail the request came in

    @property
    def text(self) -> str:
        return self.head + self.body

    def eml(self, sender: str | None = None) -> bytes:
        """The reply as an unsent draft (X-Unsent: 1 makes Outlook open it ready to send)."""
        msg = EmailMessage(policy=email.policy.SMTP)
        if sender:
            msg["From"] = sender
        if self.to:
            msg["To"] = self.to
        msg["Subject"] = self.subject
        msg["Date"] = email.utils.formatdate(localtime=True)
        msg["X-Unsent"] = "1"
        if self.in_reply_to:
            msg["In-Reply-To"] = msg["References"] = self.in_reply_to
        msg.set_content(self.body)
        return msg.as_bytes()


def needs_reply(r: Result) -> bool:
    return r.status is Status.UNVOLLSTAENDIG and r.superseded_by is None


def _v(r: Result, role: str) -> str:
    """The value of the field playing `role` (see [roles] in the form definition)."""
    v = (r.values or {}).get(load_definition().role(role))
    return v.strip() if isinstance(v, str) else ""


def _recipient(r: Result) -> str:
    name, address = _v(r, "kontakt_name"), _v(r, "kontakt_email")
    if address:
        return email.utils.formataddr((name, address)) if name else address
    return r.mail.sender if r.mail else ""


def compose(r: Result) -> Reply:
    """The reply to one checked request (checked with values kept)."""
    if r.values is None:
        raise ReplyError("Für eine Rückmeldung müssen die Werte des Ersuchens ausgelesen sein.")
    az, datum = _v(r, "aktenzeichen"), _v(r, "ersuchen_datum")
    ref = f"vom {datum}" if datum else "(ohne Datum)"
    ref_az = f", Ihr Az. {az}" if az else ""
    subject = f"Rückmeldung zu Ihrem Vollzugshilfeersuchen {ref}{ref_az}: Angaben fehlen"
    sb = _v(r, "kontakt_name")
    kpb = r.kpb.name if r.kpb else "die Kreispolizeibehörde"
    address = [x for x in (_v(r, "behoerde"), f"z. Hd. {sb}" if sb else "",
                           *_v(r, "anschrift").splitlines()) if x]
    to = _recipient(r)
    head = address + ([f"E-Mail: {to}"] if to else ["E-Mail: (keine Adresse im Ersuchen oder in der E-Mail)"])
    head += ["", f"Betreff: {subject}", "", ""]
    lines = [f"Guten Tag {sb}," if sb else "Sehr geehrte Damen und Herren,", ""]
    received = ""
    if r.mail and r.mail.date:
        received = f", eingegangen am {mail_date(r.mail.date)}"
    lines.append(f"Ihr Ersuchen um Vollzugshilfe {ref}{ref_az}{received} haben wir geprüft. "
                 "Es ist noch nicht vollständig; wir bitten um Ergänzung folgender Angaben "
                 f"(Grundlage: {DECREE} und §§ 47–49 PolG NRW):")
    errors = [f for f in r.findings if f.severity is Severity.FEHLER]
    warnings = [f for f in r.findings if f.severity is Severity.WARNUNG]
    lines += ["", "Zwingend erforderlich:"]
    lines += [f"  {i}. {f.message} [{f.basis}]" for i, f in enumerate(errors, 1)]
    if warnings:
        lines += ["", "Außerdem fehlen Mindestinformationen bzw. sind zu prüfen:"]
        lines += [f"  - {f.message} [{f.basis}]" for f in warnings]
    if r.signature and r.signature.state in SIGNATURE_REPLY:
        lines += ["", SIGNATURE_REPLY[r.signature.state]]
    lines += ["", "Bitte senden Sie uns das ergänzte Ersuchen schriftlich (Erlass Nr. 2) zu. "
              "Einzelheiten können wir gern vorab telefonisch klären (Erlass Nr. 4)."]
    bezirk = f"Bezirksregierung {r.kpb.bezirk}" if r.kpb else "zuständigen Bezirksregierung"
    lines += ["", "Sollten wir zu dem Ersuchen kein Einvernehmen erzielen, stehen die "
              f"Verbindungsbeamtinnen und -beamten der Polizei bei der {bezirk} für eine "
              "Vermittlung zur Verfügung (Erlass Nr. 6)."]
    lines += ["", "Mit freundlichen Grüßen", kpb, ""]
    return Reply(r.file, to, subject, "\n".join(head), "\n".join(lines),
                 r.mail.message_id if r.mail else "")


def _stem(n: int, source: str) -> str:
    base = re.split(r"[/\\›]", source)[-1].strip()
    base = re.sub(r"\.pdf$", "", base, flags=re.I)
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", base).strip("_")[:40] or "ersuchen"
    return f"rueckmeldung-{n:02d}-{base}"


def write_replies(results: list[Result], folder: str | os.PathLike, force: bool = False,
                  sender: str | None = None) -> list[Path]:
    """Write .txt and .eml for every incomplete current request; returns the paths written.

    All targets are checked before anything is written, so a refusal leaves no file behind.
    """
    folder = Path(folder)
    replies = [compose(r) for r in results if needs_reply(r)]
    targets = []
    for n, reply in enumerate(replies, 1):
        stem = _stem(n, reply.source)
        targets += [(folder / f"{stem}.txt", reply.text.encode("utf-8")),
                    (folder / f"{stem}.eml", reply.eml(sender))]
    if folder.exists() and not folder.is_dir():
        raise ReplyError(f"{folder}: Das Ziel ist kein Ordner.")
    if not force:
        existing = [str(p) for p, _ in targets if p.exists()]
        if existing:
            raise ReplyError(f"{existing[0]}: Die Datei existiert bereits (mit --force überschreiben).")
    if targets:
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise ReplyError(f"{folder}: Der Ordner kann nicht angelegt werden ({exc.strerror}).") from None
    written = []
    try:
        for path, data in targets:
            written.append(write_output(path, data, force))
    except OutputError as exc:
        for p in written:
            p.unlink(missing_ok=True)
        raise ReplyError(str(exc)) from None
    return written
