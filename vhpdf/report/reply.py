"""Replies to the ABH for incomplete requests: German text and a ready-to-send .eml (never sent).

A reply is addressed from the request's own contact data (Sachbearbeitung, else the sender of the
mail it came in), quotes Aktenzeichen and date, lists what is missing with its legal basis and
names the Bezirksregierung whose police liaison officers mediate (decree point 6). It necessarily
contains some personal data (Aktenzeichen, contact), so it is only written when asked for, with
owner-only permissions and never over an existing file unless forced.
"""

from __future__ import annotations

import email.errors
import email.header
import email.policy
import email.utils
import os
import re
from dataclasses import dataclass
from email.headerregistry import Address
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
    """Incomplete and unreadable current requests get a reply (the latter: please send again)."""
    return r.status is not Status.VOLLSTAENDIG and r.superseded_by is None


def _decoded(header: str) -> str:
    """A mail header with its RFC 2047 words (=?utf-8?q?…?=) decoded, for the letter's text."""
    try:
        return str(email.header.make_header(email.header.decode_header(header)))
    except (UnicodeDecodeError, LookupError, email.errors.HeaderParseError):
        return header


def _salutation(name: str) -> str:
    """'Sehr geehrte Frau Beispiel' from 'Frau Jana Beispiel'; neutral when the form of address
    is not given (a name alone does not say it)."""
    if not name:
        return text("antwort.anrede")
    words = name.split()
    key = {"frau": "antwort.anrede_frau", "herr": "antwort.anrede_herr"}.get(words[0].lower())
    if key is None or len(words) < 2:
        return text("antwort.anrede_neutral")
    title = " ".join(w for w in words[1:-1] if w in ("Dr.", "Prof."))
    return text(key, name=" ".join(x for x in (title, words[-1]) if x))


def _signer(sender: str | None, r: Result) -> str:
    """Who signs: the name in --absender (or the configured sender), else the KPB of the form."""
    if sender:
        name, address = email.utils.parseaddr(sender)
        if name or address:
            return name or address
    return r.kpb.name if r.kpb else text("antwort.kpb_unbekannt")


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
        if not name:
            return address
        try:  # formataddr would write =?utf-8?q?…?= into the letter; Address quotes, never encodes
            return str(Address(display_name=name, addr_spec=address))
        except (ValueError, IndexError, email.errors.HeaderParseError):
            return f"{name} <{address}>"
    return _decoded(r.mail.sender) if r.mail else ""


def _compose_unreadable(r: Result, signer: str) -> Reply:
    """The reply to an input that could not be read: what went wrong, please send again."""
    to = _decoded(r.mail.sender) if r.mail else ""
    subject = text("antwort.betreff_unlesbar")
    head = [text("antwort.email", adresse=to) if to else text("antwort.email_unbekannt"), "",
            text("antwort.betreff_zeile", betreff=subject), "", ""]
    received = text("antwort.eingegangen", datum=mail_date(r.mail.date)) + "," if r.mail and r.mail.date else ""
    name = re.split(r"[/\\›]", r.file)[-1].strip()
    lines = [text("antwort.anrede"), "", text("antwort.unlesbar", datei=name, eingang=received,
                                               grund=r.error or text("antwort.grund_unbekannt")),
             "", text("antwort.erneut_senden"), "", text("antwort.gruss"), signer, ""]
    return Reply(r.file, to, subject, "\n".join(head), "\n".join(lines), r.mail.message_id if r.mail else "")


def compose(r: Result, sender: str | None = None, signature: str | None = None) -> Reply:
    """The reply to one checked request (checked with values kept), signed with `signature`,
    else `sender`'s name, else the KPB the request is addressed to."""
    signer = signature or _signer(sender, r)
    if r.status is Status.UNLESBAR:
        return _compose_unreadable(r, signer)
    if r.values is None:
        raise ReplyError(text("antwort.werte_fehlen"))
    az, datum = _v(r, "aktenzeichen"), _v(r, "ersuchen_datum")
    ref = text("antwort.vom", datum=datum) if datum else text("antwort.ohne_datum")
    if az:
        ref += text("antwort.aktenzeichen", az=az)
    subject = text("antwort.betreff", bezug=ref)
    sb = _v(r, "kontakt_name")
    address = [x for x in (_v(r, "behoerde"), text("antwort.zu_haenden", name=sb) if sb else "",
                           *_v(r, "anschrift").splitlines()) if x]
    to = _recipient(r)
    head = address + [text("antwort.email", adresse=to) if to else text("antwort.email_unbekannt")]
    head += ["", text("antwort.betreff_zeile", betreff=subject), "", ""]
    lines = [_salutation(sb), ""]
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
    lines += ["", text("antwort.gruss"), signer, ""]
    return Reply(r.file, to, subject, "\n".join(head), "\n".join(lines),
                 r.mail.message_id if r.mail else "")


def _stem(n: int, source: str) -> str:
    base = re.split(r"[/\\›]", source)[-1].strip()
    base = re.sub(r"\.pdf$", "", base, flags=re.I)
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", base).strip("_")[:40] or "ersuchen"
    return f"rueckmeldung-{n:02d}-{base}"


def write_replies(results: list[Result], folder: str | os.PathLike, force: bool = False,
                  sender: str | None = None, signature: str | None = None) -> list[Path]:
    """Write .txt and .eml for every incomplete current request; returns the paths written.

    All targets are checked before anything is written, so a refusal leaves no file behind.
    """
    folder = Path(folder)
    replies = [compose(r, sender, signature) for r in results if needs_reply(r)]
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
