"""Every input accounted for: attachments by position, forwarded mails searched, real Outlook
files, folders recognised by content with skipped files listed, and the counts in the summary."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from mails import TZ, court_order_pdf, mail

from vhpdf.batch.run import check_paths
from vhpdf.check.result import Status
from vhpdf.cli.commands import cli
from vhpdf.read.errors import ErrorKind
from vhpdf.write.generate import fill_form

# CI checks the repository out with shared/ beside it; so does every worktree here
SHARED_MSG = Path(__file__).resolve().parents[1].parent / "shared" / "msg"


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def forms(complete_values, incomplete_values):
    """Two complete and two incomplete requests, each a request of its own (own Aktenzeichen)."""
    return {
        "complete_a": fill_form(complete_values),
        "complete_b": fill_form(dict(complete_values, **{"absender.aktenzeichen": "ABH 2"})),
        "incomplete_a": fill_form(incomplete_values),
        "incomplete_b": fill_form(dict(incomplete_values, **{"absender.aktenzeichen": "ZAB 9"})),
    }


def test_same_named_and_unnamed_attachments_are_each_checked(tmp_path, forms):
    msg = mail("abh@kreis.example", "Zwei Ersuchen", dt.datetime(2026, 11, 3, tzinfo=TZ),
               [("ersuchen.pdf", forms["complete_a"]), ("ersuchen.pdf", forms["incomplete_a"])])
    for data in (forms["complete_b"], forms["incomplete_b"]):  # no file name at all
        msg.add_attachment(data, maintype="application", subtype="pdf", disposition="attachment")
    path = tmp_path / "post.eml"
    path.write_bytes(msg.as_bytes())
    results = check_paths([path])
    unnamed = "Anhang ohne Namen (application/pdf)"
    assert [(r.file, r.status) for r in results] == [
        (f"{path} › ersuchen.pdf (Anhang 1)", Status.VOLLSTAENDIG),
        (f"{path} › ersuchen.pdf (Anhang 2)", Status.UNVOLLSTAENDIG),
        (f"{path} › {unnamed} (Anhang 3)", Status.VOLLSTAENDIG),
        (f"{path} › {unnamed} (Anhang 4)", Status.UNVOLLSTAENDIG),
    ]
    assert results[0].annexes == ("ersuchen.pdf (Anhang 2)", f"{unnamed} (Anhang 3)", f"{unnamed} (Anhang 4)")

    out = _run("check", path)
    assert out.exit_code == 1
    assert "1 Eingang, 4 Ersuchen geprüft: 2 vollständig, 2 unvollständig, 0 unlesbar." in out.output


def test_forwarded_eml_is_searched_and_its_court_order_is_an_annex(tmp_path, forms):
    inner = mail("abh@kreis.example", "Ersuchen", dt.datetime(2026, 11, 3, tzinfo=TZ),
                 [("ersuchen.pdf", forms["complete_a"]), ("Beschluss.pdf", court_order_pdf())])
    middle = mail("wache@polizei.example", "WG: Ersuchen", dt.datetime(2026, 11, 4, tzinfo=TZ), [])
    middle.add_attachment(inner)
    outer = mail("leitstelle@polizei.example", "WG: WG: Ersuchen", dt.datetime(2026, 11, 5, tzinfo=TZ),
                 [("notiz.pdf", court_order_pdf())])
    outer.add_attachment(middle)
    path = tmp_path / "weiter.eml"
    path.write_bytes(outer.as_bytes())
    (result,) = check_paths([path])  # the two PDFs without form fields are annexes, not requests
    fwd = "weitergeleitete Mail › weitergeleitete Mail"
    assert result.file == f"{path} › {fwd} › ersuchen.pdf"
    assert result.status is Status.VOLLSTAENDIG
    # the request carries the mail it was sent with, not the forwarders' (the outer file stays its input)
    assert (result.mail.sender, result.mail.subject, result.mail.date[:10]) == (
        "abh@kreis.example", "Ersuchen", "2026-11-03")
    assert result.mail.id == result.mail.file == str(path)
    assert result.annexes == ("notiz.pdf", f"{fwd} › Beschluss.pdf")

    out = _run("check", path)
    assert out.exit_code == 0
    assert "1 Eingang, 1 Ersuchen geprüft: 1 vollständig, 0 unvollständig, 0 unlesbar." in out.output


@pytest.mark.skipif(not SHARED_MSG.is_dir(), reason="../shared/msg (real Outlook files) fehlt neben dem Repository")
def test_real_outlook_msg_with_an_attached_outlook_item(tmp_path):
    path = tmp_path / "mit_innerer_mail.msg"
    shutil.copyfile(SHARED_MSG / "EmailWithInnerMailAndAttachments.msg", path)
    results = check_paths([path])
    assert [r.file for r in results] == [
        f"{path} › OUTER 1.pdf", f"{path} › OUTER 2.pdf",
        f"{path} › weitergeleitete Mail › INNER 1.pdf", f"{path} › weitergeleitete Mail › INNER 2.pdf"]
    # real PDFs without form fields, in a mail without a request: each reported, none lost
    assert all(r.status is Status.UNLESBAR and r.error_kind is ErrorKind.NO_FORM for r in results)
    assert [r.mail.subject for r in results] == ["Outer mail", "Outer mail", "Inner mail", "Inner mail"]
    assert {r.mail.id for r in results} == {str(path)}


def test_folder_files_are_recognised_by_content_and_the_rest_listed(tmp_path, forms, complete_values):
    folder = tmp_path / "eingang"
    folder.mkdir()
    (folder / "ohne_endung").write_bytes(forms["complete_a"])
    (folder / "notizen.txt").write_text("Rückruf Herr K. am Montag\n", encoding="utf-8")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    forwarded = mail("abh@kreis.example", "Ersuchen", dt.datetime(2026, 11, 3, tzinfo=TZ),
                     [("ersuchen.pdf", forms["complete_b"])])
    (folder / "gespeicherte_mail").write_bytes(forwarded.as_bytes())
    results = check_paths([folder])
    assert [(r.file, r.status, r.error_kind) for r in results] == [
        (f"{folder}/foto.jpg", Status.UNLESBAR, ErrorKind.SKIPPED),
        (f"{folder}/gespeicherte_mail › ersuchen.pdf", Status.VOLLSTAENDIG, None),
        (f"{folder}/notizen.txt", Status.UNLESBAR, ErrorKind.SKIPPED),
        (f"{folder}/ohne_endung", Status.VOLLSTAENDIG, None),
    ]

    out = _run("check", folder)
    assert out.exit_code == 0, out.output  # skipped files are listed, they are no requests
    assert "foto.jpg" not in out.output.splitlines()[1]
    assert out.output.rstrip().endswith(
        "2 Eingänge, 2 Ersuchen geprüft: 2 vollständig, 0 unvollständig, 0 unlesbar. "
        f"übersprungen: 2 Dateien, keine PDF-Datei oder E-Mail ({folder}/foto.jpg, {folder}/notizen.txt).")
    html = _run("check", folder, "--format", "html")
    assert html.exit_code == 0 and "übersprungen: 2 Dateien" in html.output

    (folder / "ohne_endung").unlink()
    (folder / "gespeicherte_mail").unlink()
    nothing = _run("check", folder)
    assert nothing.exit_code == 2 and "übersprungen" not in nothing.output
