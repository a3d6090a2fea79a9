"""Inputs: files, folders and e-mails turned into check items.

A PDF on disk is one item. A mail (.eml, each message of an .mbox or a Maildir, an Outlook .msg)
gives one item per PDF attachment, carrying the mail's sender, date and subject and, as annexes,
the names of the mail's other attachments. Attachments are told apart by position (two may share
a name, or have none); forwarded mails are searched inside, and a PDF found in one carries the
forwarded mail's sender, date and subject (who sent the request), under the outer mail's
identity. A mail without a PDF attachment, or one that cannot be read, gives an item with an
error, so it shows up in the report instead of vanishing. In a folder, files are recognised
by content; any other file is a skipped item, listed.

Everything is opened read-only; mailboxes are read message by message, so memory stays flat.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vhpdf.check.result import Mail
from vhpdf.form.messages import text
from vhpdf.read.files import header_offset, sniff

if TYPE_CHECKING:  # the email package is imported only when a mail is read (start-up of a PDF check)
    import email.message

MAIL_SUFFIXES = {".eml", ".mbox", ".msg"}
MAX_MAIL_DEPTH = 5  # forwarded mails inside forwarded mails; deeper ones are listed, not opened
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Outlook .msg (and old Office files)
# header names that start a mail saved as a file (RFC 5322)
_MAIL_HEADER = re.compile(rb"(?i)(received|return-path|from|to|date|subject|message-id|mime-version"
                          rb"|delivered-to|x-[\w-]+|reply-to|sender|cc):[ \t]")
# An mbox "From_" line: "From <sender> <asctime date>" (RFC 4155); a body line that merely starts
# with "From " has no time in it.
_FROM_LINE = re.compile(rb"From \S+ .*\d\d:\d\d")
_PDF_MAGIC = b"%PDF-"


class SourceError(Exception):
    """A mail or mailbox cannot be read; the message is German."""


# --- paths ---------------------------------------------------------------------------------------

def is_maildir(path: Path) -> bool:
    return path.is_dir() and all((path / d).is_dir() for d in ("cur", "new", "tmp"))


@dataclass(frozen=True, eq=False)  # never compared: no generated __eq__/__hash__ (import time)
class Item:
    """One PDF to check: a file on disk, or bytes taken from a mail attachment.

    `mail` describes the mail it came from; `annexes` names the other attachments of that mail (the files embedded in
    the PDF are added when it is read). `error` is set when a source could not be read at all.
    """

    name: str
    path: Path | None = None
    data: bytes | None = None
    mail: Mail | None = None
    annexes: tuple[str, ...] = ()
    error: str | None = None
    skipped: bool = False  # a file in a folder that is neither a PDF nor a mail: listed, not checked


def iter_items(paths: Iterable[str | os.PathLike]) -> Iterator[Item]:
    """Items for files as given and folders recursively, in a stable order.

    A file named twice (or also found in a named folder) is checked once.
    """
    seen: set[str] = set()
    for p in paths:
        p = Path(p)
        found = _folder(p) if p.is_dir() else _file(p, explicit=True)
        for item in found:
            key = os.path.abspath(item.name) if item.mail is None else item.name
            if key not in seen:
                seen.add(key)
                yield item


def _folder(folder: Path) -> Iterator[Item]:
    if is_maildir(folder):
        yield from _maildir(folder)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Item(str(folder), error=text("quellen.ordner_nicht_lesbar", grund=exc.strerror))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if not (is_maildir(folder) and entry.name in ("cur", "new", "tmp")):
                yield from _folder(path)
        elif path.suffix.lower() == ".pdf" or (entry.is_file() and path.suffix.lower() in MAIL_SUFFIXES):
            # a *.pdf that is a FIFO, device link or dangling link is reported, never opened
            yield from _file(path, explicit=False)
        else:
            kind = _kind_by_content(path) if entry.is_file() else None
            if kind is None:
                yield Item(str(path), skipped=True)
            else:
                yield from _file(path, explicit=False, kind=kind)


def _kind_by_content(path: Path) -> str | None:
    """".pdf", a mail suffix, or None, from a file's first bytes (a request saved without ending)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    if head.startswith(_OLE_MAGIC):
        return ".msg"
    if head.startswith(b"From ") and _FROM_LINE.match(head.split(b"\n", 1)[0]):
        return ".mbox"
    if _MAIL_HEADER.match(head):
        return ".eml"
    if sniff(head) is None and header_offset(head) is not None:
        return ".pdf"
    return None


def _looks_like_mbox(path: Path) -> bool:
    """A file named on the command line without a known suffix (Thunderbird's "Inbox")."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(200)
    except OSError:
        return False
    return first.startswith(b"From ") and bool(_FROM_LINE.match(first))


def _file(path: Path, explicit: bool, kind: str | None = None) -> Iterator[Item]:
    suffix = kind or path.suffix.lower()
    if explicit and suffix not in MAIL_SUFFIXES and suffix != ".pdf" and _looks_like_mbox(path):
        suffix = ".mbox"
    if suffix in MAIL_SUFFIXES and not path.exists():
        yield Item(str(path), error=text("lesen.existiert_nicht"))
        return
    try:
        if suffix == ".eml":
            yield from _mail_items(_read_eml(path), str(path))
        elif suffix == ".mbox":
            yield from _mbox(path)
        elif suffix == ".msg":
            yield from _msg(path)
        else:
            yield Item(str(path), path=path)
    except SourceError as exc:
        yield Item(str(path), error=str(exc))


# --- RFC 822 mails -------------------------------------------------------------------------------

def _parse(data: bytes) -> email.message.EmailMessage:
    import email
    import email.policy

    return email.message_from_bytes(data, policy=email.policy.default)


def _read_eml(path: Path) -> email.message.EmailMessage:
    try:
        return _parse(path.read_bytes())
    except OSError as exc:
        raise SourceError(text("quellen.mail_nicht_lesbar", grund=exc.strerror)) from None


def _mbox(path: Path) -> Iterator[Item]:
    """Messages of an mbox file, split at From_ lines, read line by line (never written)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise SourceError(text("quellen.postfach_nicht_lesbar", grund=exc.strerror)) from None
    with fh:
        lines: list[bytes] = []
        number, started = 0, False
        for line in fh:
            if line.startswith(b"From ") and _FROM_LINE.match(line):
                if started:
                    number += 1
                    yield from _mbox_message(lines, path, number)
                started, lines = True, []
                continue
            if not started:
                raise SourceError(text("quellen.kein_mbox"))
            lines.append(line)
        if not started:
            raise SourceError(text("quellen.mbox_leer"))
        yield from _mbox_message(lines, path, number + 1)


def _mbox_message(lines: list[bytes], path: Path, number: int) -> Iterator[Item]:
    yield from _mail_items(_parse(b"".join(lines)), text("quellen.nachricht", postfach=path, nummer=number))


def _maildir(folder: Path) -> Iterator[Item]:
    """Messages in new/ and cur/ of a Maildir, by file name; nothing is moved or flagged."""
    for sub in ("new", "cur"):
        try:
            with os.scandir(folder / sub) as it:
                entries = sorted((e for e in it if e.is_file()), key=lambda e: e.name)
        except OSError as exc:
            yield Item(f"{folder} › {sub}", error=text("quellen.maildir_nicht_lesbar", grund=exc.strerror))
            continue
        for entry in entries:
            source = f"{folder} › {sub}/{entry.name}"
            try:
                msg = _parse(Path(entry.path).read_bytes())
            except OSError as exc:
                yield Item(source, error=text("quellen.mail_nicht_lesbar", grund=exc.strerror))
                continue
            yield from _mail_items(msg, source)


def _header(msg, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a malformed header must not stop the run
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _iso_date(text: str) -> str:
    try:
        import email.utils

        return email.utils.parsedate_to_datetime(text).isoformat() if text else ""
    except (TypeError, ValueError, IndexError):
        return ""


@dataclass(frozen=True, eq=False)  # never compared: no generated __eq__/__hash__ (import time)
class _Attachment:
    """One attachment: its display name (forwarded mails as a path), bytes, whether it is a PDF,
    and the mail it was attached to (a forwarded one, or None for the outer mail)."""

    name: str
    data: bytes | None
    is_pdf: bool
    mail: Mail | None = None


def _inner_mail(outer: Mail, sender: str, date: str, subject: str, message_id: str) -> Mail | None:
    """A forwarded mail's own description, under the outer mail's identity and file; None when
    it carries no sender, date or subject of its own (the outer mail's then stand)."""
    if not (sender or date or subject):
        return None
    return Mail(outer.id, outer.file, sender, date, subject, message_id)


def _is_pdf(name: str, data: bytes | None, ctype: str = "") -> bool:
    if not data:
        return False
    return ctype == "application/pdf" or name.lower().endswith(".pdf") or data[:1024].find(_PDF_MAGIC) >= 0


def _forwarded(prefix: str, number: int, total: int) -> str:
    label = text("quellen.weitergeleitete_mail") + (f" {number}" if total > 1 else "")
    return f"{prefix}{label} › "


def _rfc822_mail(msg, outer: Mail) -> Mail | None:
    return _inner_mail(outer, _header(msg, "From"), _iso_date(_header(msg, "Date")), _header(msg, "Subject"),
                       _header(msg, "Message-ID"))


def _attachments(msg, outer: Mail, prefix: str = "", depth: int = 0, mail: Mail | None = None
                 ) -> list[_Attachment]:
    """Every attachment, forwarded mails (message/rfc822) searched recursively; bodies skipped.

    `mail` is the forwarded mail `msg` is (None: the outer mail itself)."""
    out: list[_Attachment] = []
    inner = [p for p in msg.walk() if p.get_content_type() == "message/rfc822"]
    inside = {id(q) for p in inner for q in p.walk() if q is not p}
    forwarded = [p for p in inner if id(p) not in inside]
    number = 0
    for part in msg.walk():
        if id(part) in inside or (part.is_multipart() and part.get_content_type() != "message/rfc822"):
            continue
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            number += 1
            label = _forwarded(prefix, number, len(forwarded))
            if depth >= MAX_MAIL_DEPTH:
                out.append(_Attachment(label + text("quellen.zu_tief_weitergeleitet"), None, False, mail))
                continue
            payload = part.get_payload()
            for sub in payload if isinstance(payload, list) else [payload]:
                if hasattr(sub, "walk"):
                    out += _attachments(sub, outer, label, depth + 1, _rfc822_mail(sub, outer) or mail)
            continue
        name = part.get_filename()
        if not name and part.get_content_disposition() != "attachment" and ctype != "application/pdf":
            continue  # a body part
        try:
            data = part.get_payload(decode=True)
        except Exception:
            data = None
        name = name or text("quellen.anhang_ohne_namen_typ", typ=ctype)
        out.append(_Attachment(prefix + name, data, _is_pdf(name, data, ctype), mail))
    return out


def _mail_items(msg, source: str) -> Iterator[Item]:
    date = _header(msg, "Date")
    mail = Mail(source, source, _header(msg, "From"), _iso_date(date), _header(msg, "Subject"),
                _header(msg, "Message-ID"))
    try:
        attachments = _attachments(msg, mail)
    except Exception as exc:  # a malformed MIME structure must not stop the run
        yield Item(source, mail=mail, error=text("quellen.mail_nicht_lesbar", grund=_why(exc)))
        return
    yield from _items_from_attachments(attachments, source, mail)


def _why(exc: Exception) -> str:
    """A German cause for a mail library's failure (never a Python class name)."""
    return text("quellen.aufbau_fehlerhaft") if not isinstance(exc, OSError) else (exc.strerror or "")


def _unique_names(attachments: list[_Attachment]) -> list[str]:
    """Display names, numbered by position where two attachments share one (or both have none)."""
    names = [a.name for a in attachments]
    return [n if names.count(n) == 1 else text("quellen.anhang_nummer", name=n, nummer=i + 1)
            for i, n in enumerate(names)]


def _items_from_attachments(attachments: list[_Attachment], source: str, mail: Mail) -> Iterator[Item]:
    names = _unique_names(attachments)
    pdfs = [i for i, a in enumerate(attachments) if a.is_pdf]
    if not pdfs:
        yield Item(source, mail=mail, annexes=tuple(names), error=text("quellen.kein_pdf_anhang"))
        return
    for i in pdfs:
        others = tuple(n for j, n in enumerate(names) if j != i)
        yield Item(f"{source} › {names[i]}", data=attachments[i].data, mail=attachments[i].mail or mail,
                   annexes=others)


# --- Outlook .msg --------------------------------------------------------------------------------

def _msg(path: Path) -> Iterator[Item]:
    """An Outlook .msg through the optional extract-msg package (pip install 'vhpdf[msg]')."""
    try:
        import extract_msg
    except ImportError:
        raise SourceError(text("quellen.msg_zusatzpaket")) from None
    try:
        msg = extract_msg.openMsg(str(path), strict=False)
    except Exception as exc:  # extract-msg raises many kinds for a damaged file
        raise SourceError(text("quellen.outlook_nicht_lesbar", grund=_why(exc))) from None
    try:
        outer = Mail(str(path), str(path))
        mail = _outlook_mail(msg, outer) or outer
        attachments = _msg_attachments(msg, outer)
    except Exception as exc:  # an odd .msg (contact, meeting) must not stop the run
        raise SourceError(text("quellen.outlook_nicht_lesbar", grund=_why(exc))) from None
    finally:
        msg.close()
    yield from _items_from_attachments(attachments, str(path), mail)


def _outlook_mail(msg, outer: Mail) -> Mail | None:
    """An Outlook item's sender, date and subject (a damaged one may lack any of them)."""
    date: Any = getattr(msg, "date", None)
    return _inner_mail(outer, " ".join(str(getattr(msg, "sender", "") or "").split()),
                       date.isoformat() if hasattr(date, "isoformat") else "",
                       " ".join(str(getattr(msg, "subject", "") or "").split()),
                       str(getattr(msg, "messageId", "") or ""))


def _msg_attachments(msg, outer: Mail, prefix: str = "", depth: int = 0, mail: Mail | None = None
                     ) -> list[_Attachment]:
    """Attachments of an Outlook item; attached Outlook items (forwarded mails) searched inside,
    each PDF in one carrying that item's sender, date and subject."""
    out: list[_Attachment] = []
    items = list(getattr(msg, "attachments", None) or [])
    embedded = [a for a in items if not isinstance(getattr(a, "data", None), (bytes, type(None)))]
    number = 0
    for att in items:
        name = (getattr(att, "longFilename", None) or getattr(att, "shortFilename", None)
                or text("quellen.anhang_ohne_namen"))
        raw = getattr(att, "data", None)
        if raw is not None and not isinstance(raw, bytes) and hasattr(raw, "attachments"):
            number += 1
            label = _forwarded(prefix, number, len(embedded))
            if depth >= MAX_MAIL_DEPTH:
                out.append(_Attachment(label + text("quellen.zu_tief_weitergeleitet"), None, False, mail))
            else:
                out += _msg_attachments(raw, outer, label, depth + 1, _outlook_mail(raw, outer) or mail)
            continue
        data = raw if isinstance(raw, bytes) else None
        out.append(_Attachment(prefix + name, data, _is_pdf(name, data), mail))
    return out
