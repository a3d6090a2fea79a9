"""Real mails and mailboxes for the tests, written with Python's email package around PDFs made
by vhpdf.write.generate.fill_form (and a plain reportlab PDF standing in for a court order)."""

from __future__ import annotations

import datetime as dt
import io
import mailbox
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from vhpdf.write.generate import fill_form

TZ = dt.timezone(dt.timedelta(hours=1))


def court_order_pdf() -> bytes:
    """A PDF without form fields, like a scanned Durchsuchungsbeschluss."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf)
    canvas.drawString(72, 720, "Amtsgericht Bielefeld - Beschluss 9 Gs 1234/26")
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def with_embedded_file(pdf: bytes, name: str, data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mail(sender: str, subject: str, date: dt.datetime, attachments: list[tuple[str, bytes]],
         message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "poststelle@polizei.nrw.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content("Sehr geehrte Damen und Herren,\nanbei unser Ersuchen.\n")
    for name, data in attachments:
        maintype, subtype = ("application", "pdf") if name.endswith(".pdf") else ("application", "octet-stream")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> Path:
    """An mbox written by Python's mailbox module, as mail programs write them."""
    box = mailbox.mbox(path)
    box.lock()
    for m in messages:
        box.add(m)
    box.flush()
    box.unlock()
    box.close()
    return path


def write_maildir(folder: Path, messages: list[EmailMessage]) -> list[str]:
    """A Maildir written by Python's mailbox module; returns the message keys (file names in new/)."""
    box = mailbox.Maildir(folder, create=True)
    keys = [box.add(m) for m in messages]
    box.close()
    return keys


def build_inbox(root: Path, complete: dict, incomplete: dict) -> dict:
    """A folder with PDFs, an .eml with two attachments, an .mbox with three mails and a Maildir.

    Returns the values behind each request so tests can compare.
    """
    pdfs = root / "pdfs" / "oktober"
    pdfs.mkdir(parents=True)
    (pdfs / "vollstaendig.pdf").write_bytes(fill_form(complete))
    (pdfs / "unvollstaendig.pdf").write_bytes(fill_form(incomplete))

    # The Bielefeld request again by mail, now with the court order: a later copy of the file.
    eml = mail("Jana Beispiel <jana.beispiel@bielefeld.example>", "Vollzugshilfeersuchen Az. ABH 32.4-0815/24",
               dt.datetime(2026, 10, 14, 9, 30, tzinfo=TZ),
               [("ersuchen.pdf", fill_form(complete)), ("Beschluss_AG_Bielefeld.pdf", court_order_pdf())])
    (root / "ersuchen.eml").write_bytes(eml.as_bytes())

    # Unna: corrected version (later request date) arrives before a resent old one.
    corrected = dict(incomplete, **{"ersuchen.datum": "05.11.2026",
                                    "massnahme.grund": "Überstellung nach Polen; Widerstand angekündigt."})
    box = [
        mail("ZAB Unna <zab@kreis-unna.example>", "Ersuchen ZAB 2026/4711 (korrigiert)",
             dt.datetime(2026, 11, 6, 8, 0, tzinfo=TZ), [("ersuchen_v2.pdf", fill_form(corrected))],
             "<v2@kreis-unna.example>"),
        mail("ZAB Unna <zab@kreis-unna.example>", "Ersuchen ZAB 2026/4711",
             dt.datetime(2026, 11, 7, 8, 0, tzinfo=TZ), [("ersuchen.pdf", fill_form(incomplete))]),
        mail("ABH Hamm <abh@hamm.example>", "Ersuchen folgt", dt.datetime(2026, 11, 8, 8, 0, tzinfo=TZ), []),
    ]
    write_mbox(root / "postfach.mbox", box)

    # Maildir: another complete request whose court order is embedded in the PDF itself.
    other = dict(complete, **{"absender.aktenzeichen": "ABH 32.4-0999/24", "person1.name": "Krasniqi"})
    embedded = with_embedded_file(fill_form(other), "Beschluss.pdf", court_order_pdf())
    (key,) = write_maildir(root / "Maildir", [mail("Jana Beispiel <jana.beispiel@bielefeld.example>",
                                          "Ersuchen ABH 32.4-0999/24", dt.datetime(2026, 10, 15, 9, 0, tzinfo=TZ),
                                          [("ersuchen.pdf", embedded)])])
    return {"corrected": corrected, "other": other, "maildir_key": key}
