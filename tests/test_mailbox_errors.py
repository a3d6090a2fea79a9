"""Unhappy paths of mail inputs, reports and replies: exit code, German message, no file left."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from mails import TZ, mail, write_mbox

from vhpdf.cli.commands import cli
from vhpdf.write.generate import fill_form


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_no_requests_found_writes_nothing(tmp_path):
    (tmp_path / "leer").mkdir()
    (tmp_path / "leer" / "notiz.txt").write_text("keine Ersuchen", encoding="utf-8")
    out = tmp_path / "bericht.csv"
    result = _run("pruefen", tmp_path / "leer", "--format", "csv", "-o", out)
    assert result.exit_code == 2
    assert "Keine PDF-Dateien oder E-Mails gefunden." in result.output
    assert not out.exists()


def test_unreadable_mail_sources_are_rows_not_crashes(tmp_path):
    (tmp_path / "kaputt.mbox").write_bytes(b"Dies ist kein Postfach.\n")
    (tmp_path / "kaputt.msg").write_bytes(b"\x00" * 600)
    bad_pdf = mail("abh@x.example", "Ersuchen", dt.datetime(2026, 11, 1, tzinfo=TZ),
                   [("ersuchen.pdf", b"%PDF-1.7\nabgeschnitten")])
    (tmp_path / "defekt.eml").write_bytes(bad_pdf.as_bytes())
    result = _run("pruefen", tmp_path, "--format", "json")
    assert result.exit_code == 1
    import json

    rows = {r["file"].replace(str(tmp_path), ""): r for r in json.loads(result.output)}
    assert set(rows) == {"/defekt.eml › ersuchen.pdf", "/kaputt.mbox", "/kaputt.msg"}
    assert all(r["status"] == "unlesbar" for r in rows.values())
    assert rows["/kaputt.mbox"]["error"] == "Die Datei ist kein Postfach im mbox-Format."
    assert rows["/kaputt.msg"]["error"].startswith("Die Outlook-Datei ist nicht lesbar")
    assert rows["/defekt.eml › ersuchen.pdf"]["error"].startswith("Die PDF-Datei ist abgeschnitten")
    assert rows["/defekt.eml › ersuchen.pdf"]["mail"]["subject"] == "Ersuchen"


def test_reply_refuses_to_overwrite_and_leaves_nothing(tmp_path, incomplete_values):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ersuchen.pdf").write_bytes(fill_form(incomplete_values))
    out = tmp_path / "antworten"
    out.mkdir()
    existing = out / "rueckmeldung-01-ersuchen.txt"
    existing.write_text("alt", encoding="utf-8")
    result = _run("rueckmeldung", tmp_path / "in", "-o", out)
    assert result.exit_code == 2
    assert "Der Ordner existiert bereits (mit --force hineinschreiben)." in result.output
    assert sorted(p.name for p in out.iterdir()) == ["rueckmeldung-01-ersuchen.txt"]
    assert existing.read_text(encoding="utf-8") == "alt"
    assert _run("rueckmeldung", tmp_path / "in", "-o", out, "--force").exit_code == 0
    assert existing.read_text(encoding="utf-8").startswith("Kreis Unna")


def test_reply_folder_that_cannot_be_made(tmp_path, incomplete_values):
    (tmp_path / "ersuchen.pdf").write_bytes(fill_form(incomplete_values))
    target = tmp_path / "fehlt" / "auch"
    result = _run("rueckmeldung", tmp_path / "ersuchen.pdf", "-o", target)
    assert result.exit_code == 2
    assert "Der Ordner kann nicht angelegt werden" in result.output
    assert not (tmp_path / "fehlt").exists()


def test_check_with_existing_report_writes_no_replies(tmp_path, incomplete_values):
    (tmp_path / "ersuchen.pdf").write_bytes(fill_form(incomplete_values))
    report = tmp_path / "bericht.html"
    report.write_text("alt", encoding="utf-8")
    result = _run("pruefen", tmp_path / "ersuchen.pdf", "--format", "html", "-o", report,
                  "--rueckmeldung", tmp_path / "antworten")
    assert result.exit_code == 2
    assert "existiert bereits" in result.output
    assert not (tmp_path / "antworten").exists()
    assert report.read_text(encoding="utf-8") == "alt"


def test_mail_without_contact_gets_reply_without_recipient(tmp_path, incomplete_values):
    box = write_mbox(tmp_path / "p.mbox", [mail("", "Ersuchen", dt.datetime(2026, 11, 1, tzinfo=TZ),
                                                [("e.pdf", fill_form(incomplete_values))])])
    result = _run("rueckmeldung", box, "-o", tmp_path / "r")
    assert result.exit_code == 0
    import email
    import email.policy

    (eml,) = (tmp_path / "r").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"] is None and msg["From"] is None
    (txt,) = (tmp_path / "r").glob("*.txt")
    assert "E-Mail: (keine Adresse im Ersuchen oder in der E-Mail)" in txt.read_text(encoding="utf-8")
