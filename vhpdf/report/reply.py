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
from vhpdf.form.messages import text
from vhpdf.read.signature import SignatureState
from vhpdf.report.common import mail_date
from vhpdf.report.output import OutputError, write_output
from vhpdf.report.privacy import message, reply_values
from vhpdf.report.privacy import redact as _redact

# The written form, said plainly (the findings carry the exact reason and basis).
SIGNATURE_REPLY = {SignatureState.UNSIGNED: "antwort.signatur_fehlt",
                   SignatureState.BROKEN: "antwort.signatur_ungueltig",
                   SignatureState.CHANGED_AFTER_SIGNING: "antwort.signatur_geaendert"}


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
    """The value of the field playing `role` (see [roles]), if a reply may use it at all."""
    form = load_definition()
    v = reply_values(form, r).get(form.role(role))
    return v.strip() if isinstance(v, str) else ""


def _finding(r: Result, f) -> str:
    """A finding as the reply states it: by label, never quoting a value."""
    return _redact(message(f, with_values=False), load_definition(), r)


def _recipient(r: Result) -> str:
    name, address = _v(r, "kontakt_name"), _v(r, "kontakt_email")
    if address:
        return email.utils.formataddr((name, address)) if name else address
    return r.mail.sender if r.mail else ""


def compose(r: Result) -> Reply:
    """The reply to one checked request (checked with values kept)."""
    if r.values is None:
        raise ReplyError(text("antwort.werte_fehlen"))
    az, datum = _v(r, "aktenzeichen"), _v(r, "ersuchen_datum")
    ref = text("antwort.vom", datum=datum) if datum else text("antwort.ohne_datum")
    if az:
        ref += text("antwort.aktenzeichen", az=az)
    subject = text("antwort.betreff", bezug=ref)
    sb = _v(r, "kontakt_name")
    kpb = r.kpb.name if r.kpb else text("antwort.kpb_unbekannt")
    address = [x for x in (_v(r, "behoerde"), text("antwort.zu_haenden", name=sb) if sb else "",
                           *_v(r, "anschrift").splitlines()) if x]
    to = _recipient(r)
    head = address + [text("antwort.email", adresse=to) if to else text("antwort.email_unbekannt")]
    head += ["", text("antwort.betreff_zeile", betreff=subject), "", ""]
    lines = [text("antwort.anrede_name", name=sb) if sb else text("antwort.anrede"), ""]
    received = ""
    if r.mail and r.mail.date:
        received = text("antwort.eingegangen", datum=mail_date(r.mail.date))
    lines.append(text("antwort.einleitung", bezug=ref, eingang=received, erlass=text("antwort.erlass")))
    errors = [f for f in r.findings if f.severity is Severity.FEHLER]
    warnings = [f for f in r.findings if f.severity is Severity.WARNUNG]
    lines += ["", text("antwort.zwingend")]
    lines += [text("antwort.zwingend_punkt", nummer=i, meldung=_finding(r, f), grundlage=f.basis)
              for i, f in enumerate(errors, 1)]
    if warnings:
        lines += ["", text("antwort.ausserdem")]
        lines += [text("antwort.ausserdem_punkt", meldung=_finding(r, f), grundlage=f.basis) for f in warnings]
    if r.signature and r.signature.state in SIGNATURE_REPLY:
        lines += ["", text(SIGNATURE_REPLY[r.signature.state])]
    lines += ["", text("antwort.schriftlich")]
    bezirk = (text("antwort.bezirksregierung", bezirk=r.kpb.bezirk) if r.kpb
              else text("antwort.bezirksregierung_unbekannt"))
    lines += ["", text("antwort.verbindungsbeamte", bezirksregierung=bezirk)]
    lines += ["", text("antwort.gruss"), kpb, ""]
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
        raise ReplyError(text("antwort.kein_ordner", ordner=folder))
    if not force:
        existing = [str(p) for p, _ in targets if p.exists()]
        if existing:
            raise ReplyError(text("antwort.existiert", datei=existing[0]))
    if targets:
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise ReplyError(text("antwort.ordner_nicht_angelegt", ordner=folder, grund=exc.strerror)) from None
    written = []
    try:
        for path, data in targets:
            written.append(write_output(path, data, force))
    except OutputError as exc:
        for p in written:
            p.unlink(missing_ok=True)
        raise ReplyError(str(exc)) from None
    return written
