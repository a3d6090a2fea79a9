"""Inputs: files, folders and e-mails turned into check items.

A PDF on disk is one item. A mail (.eml, each message of an .mbox or a Maildir, an Outlook .msg)
gives one item per PDF attachment, carrying the mail's sender, date and subject and, as annexes,
the names of the mail's other attachments. A mail without a PDF attachment, or one that cannot be
read, gives an item with an error, so it shows up in the report instead of vanishing.

Everything is opened read-only; mailboxes are read message by message, so memory stays flat.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vhpdf.check.result import Mail
from vhpdf.form.messages import text

MAIL_SUFFIXES = {".eml", ".mbox", ".msg"}
# An mbox "From_" line: "From <sender> <asctime date>" (RFC 4155); a body line that merely starts
# with "From " has no time in it.
_FROM_LINE = re.compile(rb"From \S+ .*\d\d:\d\d")
_PDF_MAGIC = b"%PDF-"


class SourceError(Exception):
    """A mail or mailbox cannot be read; the message is German."""


# --- paths ---------------------------------------------------------------------------------------

def is_maildir(path: Path) -> bool:
    return path.is_dir() and all((path / d).is_dir() for d in ("cur", "new", "tmp"))


@dataclass(frozen=True)
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


def _looks_like_mbox(path: Path) -> bool:
    """A file named on the command line without a known suffix (Thunderbird's "Inbox")."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(200)
    except OSError:
        return False
    return first.startswith(b"From ") and bool(_FROM_LINE.match(first))


def _file(path: Path, explicit: bool) -> Iterator[Item]:
    suffix = path.suffix.lower()
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
        return email.utils.parsedate_to_datetime(text).isoformat() if text else ""
    except (TypeError, ValueError, IndexError):
        return ""


def _attachments(msg) -> list[tuple[str, bytes | None, bool]]:
    """(name, payload, is_pdf) of every attachment, forwarded mails included; bodies skipped."""
    out = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        name = part.get_filename()
        ctype = part.get_content_type()
        if not name and part.get_content_disposition() != "attachment" and ctype != "application/pdf":
            continue  # a body part
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        is_pdf = bool(payload) and (ctype == "application/pdf" or (name or "").lower().endswith(".pdf")
                                    or payload[:1024].find(_PDF_MAGIC) >= 0)
        out.append((name or text("quellen.anhang_ohne_namen_typ", typ=ctype), payload, is_pdf))
    return out


def _mail_items(msg, source: str) -> Iterator[Item]:
    date = _header(msg, "Date")
    mail = Mail(source, source, _header(msg, "From"), _iso_date(date), _header(msg, "Subject"),
                _header(msg, "Message-ID"))
    try:
        attachments = _attachments(msg)
    except Exception as exc:  # a malformed MIME structure must not stop the run
        yield Item(source, mail=mail, error=text("quellen.mail_nicht_lesbar", grund=type(exc).__name__))
        return
    yield from _items_from_attachments(attachments, source, mail)


def _items_from_attachments(attachments: list, source: str, mail: Mail) -> Iterator[Item]:
    pdfs = [(i, a) for i, a in enumerate(attachments) if a[2]]
    if not pdfs:
        yield Item(source, mail=mail, annexes=tuple(a[0] for a in attachments),
                   error=text("quellen.kein_pdf_anhang"))
        return
    for i, (name, payload, _) in pdfs:
        others = tuple(a[0] for j, a in enumerate(attachments) if j != i)
        yield Item(f"{source} › {name}", data=payload, mail=mail, annexes=others)


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
        raise SourceError(text("quellen.outlook_nicht_lesbar", grund=type(exc).__name__)) from None
    try:
        date: Any = getattr(msg, "date", None)
        mail = Mail(str(path), str(path), " ".join(str(getattr(msg, "sender", "") or "").split()),
                    date.isoformat() if hasattr(date, "isoformat") else "",
                    " ".join(str(getattr(msg, "subject", "") or "").split()),
                    str(getattr(msg, "messageId", "") or ""))
        attachments = []
        for att in getattr(msg, "attachments", None) or []:
            name = (getattr(att, "longFilename", None) or getattr(att, "shortFilename", None)
                    or text("quellen.anhang_ohne_namen"))
            raw = getattr(att, "data", None)
            data = raw if isinstance(raw, bytes) else None  # an attached mail is listed by name only
            is_pdf = data is not None and bool(data) and (name.lower().endswith(".pdf")
                                                          or data[:1024].find(_PDF_MAGIC) >= 0)
            attachments.append((name, data, is_pdf))
    except Exception as exc:  # an odd .msg (contact, meeting) must not stop the run
        raise SourceError(text("quellen.outlook_nicht_lesbar", grund=type(exc).__name__)) from None
    finally:
        msg.close()
    yield from _items_from_attachments(attachments, str(path), mail)
