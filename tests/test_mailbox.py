"""A KPB inbox — folder of PDFs, an .eml with two attachments, an .mbox and a Maildir — checked in
one command; every report format parsed back; replies read with the email package."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import re
import stat
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from mails import build_inbox

from vhpdf.batch.run import check_paths
from vhpdf.check.result import Status
from vhpdf.cli.commands import cli
from vhpdf.report.data import render_csv, result_dict
from vhpdf.report.html import render_html


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, complete_values, incomplete_values):
    root = tmp_path_factory.mktemp("postfach")
    values = build_inbox(root, complete_values, incomplete_values)
    return root, values


def _run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def _by_suffix(results, suffix):
    (hit,) = [r for r in results if r.file.endswith(suffix)]
    return hit


def test_inputs_become_one_result_per_request(inbox):
    root, values = inbox
    results = check_paths([root])
    names = [r.file.replace(str(root), "") for r in results]
    assert names == [
        f"/Maildir › new/{values['maildir_key']} › ersuchen.pdf",
        "/ersuchen.eml › ersuchen.pdf",  # the court order PDF is an annex, not a request
        "/pdfs/oktober/unvollstaendig.pdf",
        "/pdfs/oktober/vollstaendig.pdf",
        "/postfach.mbox › Nachricht 1 › ersuchen_v2.pdf",
        "/postfach.mbox › Nachricht 2 › ersuchen.pdf",
        "/postfach.mbox › Nachricht 3",
    ]
    eml = _by_suffix(results, "ersuchen.eml › ersuchen.pdf")
    assert eml.mail.sender == "Jana Beispiel <jana.beispiel@bielefeld.example>"
    assert eml.mail.subject == "Vollzugshilfeersuchen Az. ABH 32.4-0815/24"
    assert eml.mail.date.startswith("2026-10-14T09:30")
    assert eml.annexes == ("Beschluss_AG_Bielefeld.pdf",)
    assert "beschluss-anlage-fehlt" not in {f.rule for f in eml.findings}

    maildir = results[0]
    assert maildir.annexes == ("Beschluss.pdf (im PDF eingebettet)",)
    assert maildir.status is Status.VOLLSTAENDIG
    assert "beschluss-anlage-fehlt" not in {f.rule for f in maildir.findings}

    lone = _by_suffix(results, "oktober/vollstaendig.pdf")  # beigefügt, but nothing attached
    assert lone.annexes == ()
    assert [f.severity.value for f in lone.findings if f.rule == "beschluss-anlage-fehlt"] == ["warnung"]

    no_pdf = results[-1]
    assert no_pdf.status is Status.UNLESBAR
    assert no_pdf.error == "Die E-Mail enthält keinen PDF-Anhang."
    assert no_pdf.mail.subject == "Ersuchen folgt"


def test_versions_newest_request_date_wins_then_mail_date(inbox):
    root, _ = inbox
    results = check_paths([root])
    v2 = _by_suffix(results, "Nachricht 1 › ersuchen_v2.pdf")
    resent = _by_suffix(results, "Nachricht 2 › ersuchen.pdf")
    file_v1 = _by_suffix(results, "oktober/unvollstaendig.pdf")
    # v2 has the later request date, though the old version was resent by a later mail
    assert v2.superseded_by is None
    assert resent.superseded_by == file_v1.superseded_by == v2.file
    assert v2.changes == {"against": resent.file, "added": ["massnahme.grund"],
                          "changed": ["ersuchen.datum"], "removed": []}
    assert resent.changes["against"] == file_v1.file
    assert (resent.changes["added"], resent.changes["changed"]) == ([], [])
    # same request date: the one that came by mail is newer than the bare file
    eml = _by_suffix(results, "ersuchen.eml › ersuchen.pdf")
    assert _by_suffix(results, "oktober/vollstaendig.pdf").superseded_by == eml.file
    assert eml.superseded_by is None


def test_csv_report_for_german_excel(inbox, tmp_path):
    root, _ = inbox
    out = tmp_path / "bericht.csv"
    result = _run("pruefen", root, "--format", "csv", "-o", out)
    assert result.exit_code == 1  # one current request is incomplete, one unreadable
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == ["Datei", "E-Mail", "Status", "Fassung", "KPB", "Regierungsbezirk",
                             "Aktenzeichen", "Datum der Maßnahme", "Personen", "Fehler", "Warnungen",
                             "Fehlende Angaben", "Anlagen", "Quelle", "Signatur",
                             "E-Mail: Absender", "E-Mail: Datum", "E-Mail: Betreff"]
    assert len(rows) == 7
    v2 = next(r for r in rows if r["Datei"].endswith("ersuchen_v2.pdf"))
    assert v2["Status"] == "unvollständig" and v2["Fassung"] == "aktuell"
    assert (v2["KPB"], v2["Regierungsbezirk"]) == ("Kreispolizeibehörde Unna", "Arnsberg")
    assert (v2["Aktenzeichen"], v2["Datum der Maßnahme"], v2["Personen"]) == ("ZAB 2026/4711", "17.11.2026", "1")
    assert v2["E-Mail"] == ("ZAB Unna <zab@kreis-unna.example> · 06.11.2026 08:00 · "
                            "„Ersuchen ZAB 2026/4711 (korrigiert)“")
    assert (v2["E-Mail: Absender"], v2["E-Mail: Datum"], v2["E-Mail: Betreff"]) == (
        "ZAB Unna <zab@kreis-unna.example>", "06.11.2026 08:00", "Ersuchen ZAB 2026/4711 (korrigiert)")
    assert int(v2["Fehler"]) == 4 and "Rechtsgrundlage" in v2["Fehlende Angaben"]
    assert "Grund," not in v2["Fehlende Angaben"].split("Rechtsgrundlage")[0]  # grund was added in v2
    old = next(r for r in rows if r["Datei"].endswith("Nachricht 2 › ersuchen.pdf"))
    assert old["Fassung"] == f"ersetzt durch {root}/postfach.mbox › Nachricht 1 › ersuchen_v2.pdf"
    eml = next(r for r in rows if r["Datei"].endswith("ersuchen.eml › ersuchen.pdf"))
    assert eml["Anlagen"] == "Beschluss_AG_Bielefeld.pdf" and eml["Fehler"] == "0"
    assert "Hoxha" not in raw.decode("utf-8-sig")  # no extracted values without --mit-werten

    out2 = tmp_path / "mit-werten.csv"
    assert _run("pruefen", root, "--format", "csv", "--mit-werten", "-o", out2).exit_code == 1
    rows = list(csv.DictReader(io.StringIO(out2.read_text(encoding="utf-8-sig")), delimiter=";"))
    eml = next(r for r in rows if r["Datei"].endswith("ersuchen.eml › ersuchen.pdf"))
    assert (eml["person1.name"], eml["massnahme.betreten"]) == ("Hoxha", "ja")


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.sections, self.external, self.stack, self.cell = [], [], [], [], None
        self.text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            if key in attrs and not attrs[key].startswith("#"):
                self.external.append(attrs[key])
        if tag == "link":
            self.external.append(attrs.get("href", "link"))
        if tag == "table":
            self.stack.append(attrs.get("id"))
        if tag == "tr" and self.stack and self.stack[-1] == "uebersicht":
            self.rows.append([])
        if tag in ("td", "th") and self.stack and self.stack[-1] == "uebersicht":
            self.cell = []
        if tag == "section":
            self.sections.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag == "table":
            self.stack.pop()
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def test_html_report_self_contained_sortable_with_details(inbox, tmp_path):
    root, _ = inbox
    out = tmp_path / "bericht.html"
    assert _run("pruefen", root, "--format", "html", "-o", out).exit_code == 1
    page = out.read_text(encoding="utf-8")
    parser = _Html()
    parser.feed(page)
    header, *rows = parser.rows
    assert header[:3] == ["Status", "Datei", "E-Mail"] and "Fehlende Angaben" in header
    assert len(rows) == 7 and len(parser.sections) == 7
    assert parser.external == []  # no external resources
    assert "<script>" in page and "sortable" in page and "@media print" in page
    v2 = next(r for r in rows if r[1].endswith("ersuchen_v2.pdf"))
    assert v2[0].endswith("unvollständig") and v2[5] == "ZAB 2026/4711"
    assert "Bezirksregierung Arnsberg" in "".join(parser.text)
    assert "Hoxha" not in page and "Novak" not in page
    assert "§&nbsp;48 PolG NRW" in page and not re.search(r"§ \w", page)  # never broken after §

    out2 = tmp_path / "mit-werten.html"
    assert _run("pruefen", root, "--format", "html", "--mit-werten", "-o", out2).exit_code == 1
    assert "Hoxha" in out2.read_text(encoding="utf-8")


def test_json_and_table_agree_with_library(inbox):
    root, _ = inbox
    result = _run("pruefen", root, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    lib = check_paths([root])
    assert [d["file"] for d in data] == [r.file for r in lib]
    assert [d["status"] for d in data] == [r.status.value for r in lib]
    assert [d["current"] for d in data] == [r.superseded_by is None for r in lib]
    assert all(d["values"] is None for d in data)
    v2 = next(d for d in data if d["file"].endswith("ersuchen_v2.pdf"))
    assert v2["changes"]["added"] == ["massnahme.grund"] and "values" not in v2["changes"]

    # the reports are written one result at a time from the run's spool: the very text of one
    # json.dumps over the library's list (versions, changes and values included)
    assert result.output == json.dumps([result_dict(r) for r in lib], ensure_ascii=False, indent=2) + "\n"
    with_values = _run("pruefen", root, "--format", "json", "--mit-werten")
    assert with_values.exit_code == 1
    lib_values = check_paths([root], keep_values=True)
    assert with_values.output == json.dumps([result_dict(r, True) for r in lib_values], ensure_ascii=False,
                                            indent=2) + "\n"
    v2 = next(d for d in json.loads(with_values.output) if d["file"].endswith("ersuchen_v2.pdf"))
    assert v2["changes"]["values"]["ersuchen.datum"] == ["03.11.2026", "05.11.2026"]
    for fmt, render in (("csv", render_csv), ("html", render_html)):
        out = _run("pruefen", root, "--format", fmt, "--mit-werten")
        assert out.exit_code == 1 and out.stdout_bytes == render(lib_values, True).encode("utf-8")

    table = _run("pruefen", root).output
    assert "\x1b[" not in table  # no colour when not on a TTY
    from vhpdf.report.table import render_table

    assert render_table(lib, color=True).count("\x1b[") >= len(lib)  # the CLI asks for it on a TTY
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["Status", "Ersuchen", "Quelle"]
    assert lines[-1] == ("7 Eingänge, 4 Ersuchen geprüft: 2 vollständig, 1 unvollständig, 1 unlesbar; "
                         "dazu 3 ältere Fassung(en), durch eine neuere ersetzt.")
    row = next(line for line in lines if "ersuchen_v2.pdf" in line and not line.startswith(" "))
    assert row.startswith("✘ unvollständig") and "KPB Unna" in row and "Fehler: Rechtsgrundlage" in row
    assert any(line.strip().startswith("✉ ZAB Unna") for line in lines)
    assert any("neu: massnahme.grund; geändert: ersuchen.datum" in line for line in lines)


def test_replies_for_incomplete_current_requests(inbox, tmp_path):
    root, values = inbox
    out = tmp_path / "antworten"
    result = _run("rueckmeldung", root, "-o", out, "--absender", "KPB Unna <vollzugshilfe@polizei.example>")
    assert result.exit_code == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == ["rueckmeldung-01-ersuchen_v2.eml", "rueckmeldung-01-ersuchen_v2.txt",
                     "rueckmeldung-02-Nachricht_3.eml", "rueckmeldung-02-Nachricht_3.txt"]  # + the unreadable one
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    msg = email.message_from_bytes((out / files[0]).read_bytes(), policy=email.policy.default)
    assert msg["To"] == "ZAB Unna <zab@kreis-unna.example>"  # no e-mail in the form: the mail's sender
    assert msg["From"] == "KPB Unna <vollzugshilfe@polizei.example>"
    assert msg["X-Unsent"] == "1"
    assert msg["In-Reply-To"] == "<v2@kreis-unna.example>"  # threads with the request's mail
    assert msg["Subject"] == ("Rückmeldung zu Ihrem Vollzugshilfeersuchen vom 05.11.2026, "
                              "Ihr Az. ZAB 2026/4711: Angaben fehlen")
    body = msg.get_content()
    assert body.startswith("Sehr geehrter Herr Beispiel,")  # "Herr Paul Beispiel" in the form
    assert "Die Rechtsgrundlage der beabsichtigten Maßnahme fehlt" in body
    assert "[Erlass Nr. 2; § 48 PolG NRW]" in body
    assert "Der Grund der beabsichtigten Maßnahme fehlt" not in body  # added in the newer version
    assert "Bezirksregierung Arnsberg" in body and "(Erlass Nr. 6)" in body
    assert body.replace("\r\n", "\n").rstrip().endswith("Mit freundlichen Grüßen\nKPB Unna")  # signed by --absender
    assert "Novak" not in body  # the person is not named in the reply
    text = (out / files[1]).read_text(encoding="utf-8")
    assert text.startswith("Kreis Unna – Zentrale Ausländerbehörde\nz. Hd. Herr Paul Beispiel\n")
    assert body.replace("\r\n", "\n") in text
    unreadable = (out / files[3]).read_text(encoding="utf-8")
    assert "Datei nicht lesbar – bitte erneut senden" in unreadable
    assert "„Nachricht 3“, eingegangen am 08.11.2026 08:00, konnten wir leider nicht" in unreadable
    assert "Grund: Die E-Mail enthält keinen PDF-Anhang." in unreadable and "bitte erneut senden" in unreadable


def test_check_writes_replies_too(inbox, tmp_path):
    root, _ = inbox
    result = _run("pruefen", root, "--rueckmeldung", tmp_path / "r", "--format", "csv", "-o", tmp_path / "b.csv")
    assert result.exit_code == 1
    assert "2 Rückmeldung(en) geschrieben" in result.stderr  # the incomplete and the unreadable one
    assert len(list((tmp_path / "r").glob("*.eml"))) == 2
    assert "Paul Beispiel" not in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")  # values only for replies


def test_inputs_are_never_modified(inbox, tmp_path):
    root, _ = inbox

    def snapshot():
        return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}

    before = snapshot()
    assert _run("pruefen", root, "--rueckmeldung", tmp_path / "r").exit_code == 1
    assert snapshot() == before  # Maildir messages stay in new/, the mbox is not rewritten


def test_file_attachment_annotation_is_an_annex(complete_pdf, tmp_path):
    import pymupdf

    from vhpdf.batch.task import check_file

    doc = pymupdf.open(complete_pdf)
    doc[0].add_file_annot(pymupdf.Point(500, 50), b"%PDF-1.4 Beschluss", "Durchsuchungsbeschluss.pdf")
    out = tmp_path / "mit-anhang.pdf"
    doc.save(out)
    result = check_file(out)
    assert result.annexes == ("Durchsuchungsbeschluss.pdf (im PDF eingebettet)",)
    assert "beschluss-anlage-fehlt" not in {f.rule for f in result.findings}
    assert "beschluss-anlage-fehlt" in {f.rule for f in check_file(complete_pdf).findings}


def test_forwarded_mail_and_maildir_subfolder(tmp_path, incomplete_values):
    import datetime as dt

    from mails import TZ, mail, write_maildir

    from vhpdf.write.generate import fill_form

    inner = mail("zab@kreis-unna.example", "Ersuchen", dt.datetime(2026, 11, 3, tzinfo=TZ),
                 [("ersuchen.pdf", fill_form(incomplete_values))])
    outer = mail("wache@polizei.example", "WG: Ersuchen", dt.datetime(2026, 11, 4, tzinfo=TZ), [])
    outer.add_attachment(inner)  # forwarded as message/rfc822
    box = tmp_path / "Maildir"
    write_maildir(box, [])
    (key,) = write_maildir(box / ".Vollzugshilfe", [outer])
    (result,) = check_paths([box])
    assert result.file == f"{box}/.Vollzugshilfe › new/{key} › weitergeleitete Mail › ersuchen.pdf"
    # the forwarded mail is who sent the request: its sender and subject, not the forwarder's
    assert (result.mail.sender, result.mail.subject) == ("zab@kreis-unna.example", "Ersuchen")
    assert result.status is Status.UNVOLLSTAENDIG


def test_thunderbird_mbox_without_suffix_named_explicitly(tmp_path, incomplete_values):
    import datetime as dt

    from mails import TZ, mail, write_mbox

    from vhpdf.write.generate import fill_form

    inbox = write_mbox(tmp_path / "Inbox", [
        mail("a@x.example", "Ersuchen 1", dt.datetime(2026, 11, 3, tzinfo=TZ),
             [("e1.pdf", fill_form(incomplete_values))]),
        mail("b@x.example", "From the ABH", dt.datetime(2026, 11, 4, tzinfo=TZ),
             [("e2.pdf", fill_form(dict(incomplete_values, **{"absender.aktenzeichen": "X 1"})))]),
    ])
    results = check_paths([inbox])
    assert [r.file for r in results] == [f"{inbox} › Nachricht 1 › e1.pdf", f"{inbox} › Nachricht 2 › e2.pdf"]
    assert [r.mail.sender for r in results] == ["a@x.example", "b@x.example"]
    # inside a folder the mailbox is recognised by its content, not by a suffix
    assert [r.file for r in check_paths([tmp_path])] == [r.file for r in results]


def test_exit_status_counts_current_versions_only(tmp_path, complete_values):
    from vhpdf.write.generate import fill_form

    old = dict(complete_values, **{"ersuchen.datum": "12.10.2026", "massnahme.grund": None})
    (tmp_path / "a_alt.pdf").write_bytes(fill_form(old))
    (tmp_path / "b_neu.pdf").write_bytes(fill_form(complete_values))
    result = _run("pruefen", tmp_path)
    assert result.exit_code == 0, result.output  # the incomplete one was replaced by a complete one
    assert "1 Ersuchen geprüft: 1 vollständig, 0 unvollständig, 0 unlesbar; dazu 1 ältere" in result.output
    assert f"gegenüber {tmp_path}/a_alt.pdf: neu: massnahme.grund; geändert: ersuchen.datum" in result.output
    assert _run("rueckmeldung", tmp_path, "-o", tmp_path / "r").exit_code == 0
    assert not (tmp_path / "r").exists()  # nothing to reply to


def test_csv_cells_never_start_a_formula(tmp_path, monkeypatch, complete_values):
    """OWASP CSV injection: hostile Aktenzeichen, file name, sender, subject, annex and value."""
    import datetime as dt

    from mails import mail

    from vhpdf.write.generate import fill_form

    link = '=HYPERLINK("http://x.example","AZ")'
    monkeypatch.chdir(tmp_path)
    (tmp_path / '=HYPERLINK("x.example","AZ").pdf').write_bytes(
        fill_form({**complete_values, "absender.aktenzeichen": link, "person1.name": "+SUM(1)"}))
    hostile = mail('"=cmd|calc" <a@b.example>', link, dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC),
                   [("@SUM(1+1).pdf", fill_form({**complete_values, "absender.aktenzeichen": "-2+3"})),
                    ("+anlage.txt", b"x")])
    (tmp_path / "-post.eml").write_bytes(hostile.as_bytes())
    args = ["--", '=HYPERLINK("x.example","AZ").pdf', "-post.eml"]
    assert _run("check", "--format", "csv", "--mit-werten", "-o", "b.csv", *args).exit_code == 0
    text = (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    pdf, eml = rows
    assert pdf["Datei"] == "'" + '=HYPERLINK("x.example","AZ").pdf'
    assert pdf["Aktenzeichen"] == "'" + link and pdf["person1.name"] == "'+SUM(1)"
    assert eml["Datei"] == "'-post.eml › @SUM(1+1).pdf" and eml["Aktenzeichen"] == "'-2+3"
    assert eml["E-Mail"].startswith("'=cmd|calc") and link in eml["E-Mail"]  # subject: mid-cell
    assert eml["Anlagen"] == "'+anlage.txt"
    assert _run("check", "--format", "html", "-o", "b.html", *args).exit_code == 0
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&quot;http://x.example&quot;,&quot;AZ&quot;)" in html and link not in html


def test_table_paths_are_cut_in_the_middle():
    from vhpdf.report.common import clip

    long = "Posteingang/Maildir/cur/1764495990732.M778313P24962Q1.vm:2,S › Ersuchen Wesel.pdf"
    cut = clip(long, 48)
    assert len(cut) == 48 and cut.startswith("Posteingang/Maildir/") and cut.endswith(" › Ersuchen Wesel.pdf")
    assert clip("kurz.pdf", 48) == "kurz.pdf"
    in_folder = "Posteingang/" + "x" * 60 + ".pdf"
    assert clip(in_folder, 48) == "…" + in_folder[-47:]  # a file name too long on its own keeps its end
