"""Privacy: no network, no field values in messages or default reports, no traces in metadata."""

from __future__ import annotations

import email
import email.policy
import getpass
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import corpus
import pytest
from fillers import fill_pdftk, fill_pymupdf
from viewers import fill_pdfjs

from vhpdf.form.tomlcache import cache_dir
from vhpdf.write.generate import fill_form, generate

ROOT = Path(__file__).resolve().parent.parent
SECRET = "Zyxqwv"  # stands for a name, a criminal finding, a diagnosis


# Shown in every report by design, so the clerk can tell requests apart (README, Datenschutz):
# the ABH's file number; the dates have formats and so carry no secret anyway.
IDENTIFYING = ("aktenzeichen",)


def secret_values(form, base: dict) -> dict:
    """The complete sample with a recognisable secret in every free-text field."""
    values = dict(base)
    shown = {form.role(r) for r in IDENTIFYING}
    for name, f in form.field_map(1).items():
        if name in shown:
            continue
        if f.type.value == "text" and not f.format and isinstance(values.get(name), str):
            values[name] = f"{SECRET} {name}"
    return values


AUDIT = textwrap.dedent("""
    import socket
    import sys
    LOG = sys.argv[1]  # kept: sys.argv is replaced below, and workers inherit this hook
    def hook(event, args):
        # a local socket pair (asyncio's self-pipe, multiprocessing) is not network use
        if event == "socket.__new__" and args[1] == socket.AF_UNIX:
            return
        if event.startswith(("socket.", "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.")):
            with open(LOG, "a") as log:
                log.write(event + "\\n")
    sys.addaudithook(hook)
    if sys.argv[2] == "kontrolle":
        socket.socketpair()[0].close()  # not logged
        socket.socket().close()
        sys.exit(0)
    from vhpdf.cli.commands import main
    sys.argv = ["vhpdf", *sys.argv[2:]]
    main()
""")


def test_no_network_anywhere(tmp_path, complete_values):
    """Every command runs under an audit hook that logs any socket or URL use (workers too)."""
    from signing import PASSWORD, make_pki

    log = tmp_path / "netz.log"
    data = tmp_path / "daten.json"
    data.write_text(json.dumps(complete_values), encoding="utf-8")
    (tmp_path / "pki").mkdir()
    pki = make_pki(tmp_path / "pki")
    runs = [["kontrolle"],
            ["erzeugen", "-o", tmp_path / "leer.pdf"],
            ["ausfuellen", data, "-o", tmp_path / "voll.pdf"],
            ["auslesen", tmp_path / "voll.pdf"],
            ["extract", tmp_path / "voll.pdf", "--format", "xfdf", "-o", tmp_path / "voll.xfdf"],
            ["fill", tmp_path / "voll.xfdf", "-o", tmp_path / "wieder.pdf"],
            ["schema"],
            # the signer's certificate names CRL and OCSP addresses: they must not be fetched
            ["signieren", tmp_path / "voll.pdf", "--schluessel", pki.signer_p12, "-o", tmp_path / "s.pdf"],
            ["pruefen", "--jobs", "2", "--format", "json", "--vertrauensanker", pki.ca_pem, tmp_path],
            ["regeln"]]
    env = {**os.environ, "VHPDF_SCHLUESSEL_PASSWORT": PASSWORD}
    for args in runs:
        proc = subprocess.run([sys.executable, "-c", AUDIT, str(log), *map(str, args)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, env=env)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 1), (args, proc.returncode, proc.stderr)
        if args[0] == "pruefen":  # the signature was verified, trust anchors included
            assert '"trusted": true' in proc.stdout
        if args == ["kontrolle"]:  # the hook sees an Internet socket, and only that (so this can fail)
            assert log.read_text() == "socket.__new__\n"
            log.unlink()
    assert not log.exists(), log.read_text()


def test_no_values_in_messages_or_default_reports(tmp_path, form, complete_values):
    good = fill_form(secret_values(form, complete_values))
    assert SECRET.encode("utf-16-be") in good or SECRET.encode() in good
    files = {
        "gut.pdf": good,
        "abgeschnitten.pdf": good[: len(good) - 3000],
        "kaputt.pdf": good[:2000] + bytes(4000) + good[6000:],
        "zusammen.pdf": good + good,
        "verschluesselt.pdf": corpus.encrypt(good, "AES-128"),
        "doppelt.pdf": corpus.form_pdf([corpus.text_field("person1.name", f"({SECRET}1)".encode()),
                                        corpus.text_field("person1.name", f"({SECRET}2)".encode())]),
        "unicode.pdf": corpus.form_pdf([corpus.text_field("person1.name",
                                                          corpus.pdf_string(f"{SECRET}\ud800\x00"))]),
    }
    # new outputs: a skipped file (named in the summary), a damaged annex (a warning on its
    # request) and a forwarded mail (its path in the name): none may show a value or content
    import datetime as dt

    from mails import mail

    inner = mail("abh@kreis.example", "Ersuchen", dt.datetime(2026, 11, 3), [("ersuchen.pdf", good)])
    outer = mail("wache@polizei.example", "WG", dt.datetime(2026, 11, 4), [("Beschluss.pdf", good[:3000])])
    outer.add_attachment(inner)
    files["weitergeleitet.eml"] = outer.as_bytes()
    files["notiz"] = f"Rückruf {SECRET}\n".encode()
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    for fmt in ("table", "json", "csv", "html"):
        proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--format", fmt, str(tmp_path)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1
        assert SECRET not in proc.stdout + proc.stderr, fmt
        if fmt in ("table", "html"):
            assert "übersprungen: 1 Datei" in proc.stdout and "weitergeleitete Mail › ersuchen.pdf" in proc.stdout
        if fmt == "json":
            assert "Anlage „Beschluss.pdf“ ist beschädigt" in proc.stdout
    # a text file named on its own: named after the counts as no request, its content never shown
    alone = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", str(tmp_path / "notiz")],
                           cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert alone.returncode == 1 and "nicht geprüft: 1 Datei" in alone.stdout
    assert SECRET not in alone.stdout + alone.stderr
    extract = subprocess.run([sys.executable, "-m", "vhpdf", "auslesen", str(tmp_path / "doppelt.pdf")],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert extract.returncode == 1 and SECRET not in extract.stderr
    # with --mit-werten the values are there: the check above could have failed
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--format", "json", "--mit-werten",
                           str(tmp_path / "gut.pdf")], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert SECRET in proc.stdout


def test_generated_and_filled_pdfs_carry_no_user_host_or_path(tmp_path, complete_values):
    from pypdf import PdfReader

    traces = {getpass.getuser(), os.uname().nodename, str(Path.cwd()), str(tmp_path), str(ROOT),
              str(Path.home())}
    traces = {t for t in traces if len(t) > 3}  # "root" would match "/Root"
    for data in (generate(), fill_form(complete_values)):
        reader = PdfReader(io.BytesIO(data))
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        xmp = reader.xmp_metadata
        meta += xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else ""
        for t in traces:
            assert t not in meta
            assert t.encode() not in data
        assert getpass.getuser() not in meta.split()
        assert "/Author" not in (reader.metadata or {}) or not reader.metadata["/Author"]


def test_fill_messages_name_fields_not_values(tmp_path, form, complete_values):
    """Refusals and warnings of `fill` (one file and a table) say which field and why, never what."""
    values = secret_values(form, complete_values)
    values.update({"massnahme.grund": f"{SECRET} " * 400, "person1.name": SECRET * 30,
                   "massnahme.datum": f"{SECRET}.10.2026", "unterkunft.plz": SECRET,
                   "massnahme.zwang": SECRET, "person1.nachname": SECRET})
    data = tmp_path / "daten.json"
    data.write_text(json.dumps(values), encoding="utf-8")
    table = tmp_path / "daten.csv"
    rows = [values, {**values, "person1.nachname": "", "massnahme.zwang": ""}]
    table.write_text(",".join(values) + "\n" + "\n".join(
        ",".join(f'"{v}"' if isinstance(v, str) else "" for v in row.values()) for row in rows),
        encoding="utf-8")
    runs = [(["fill", data, "-o", tmp_path / "a.pdf"], 1),
            (["fill", "--csv", table, "-o", tmp_path / "pdf"], 1),
            (["schema"], 0)]
    said = ""
    for args, code in runs:
        proc = subprocess.run([sys.executable, "-m", "vhpdf", *map(str, args)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == code, proc.stderr
        assert SECRET not in proc.stdout + proc.stderr, args
        said += proc.stderr
    assert [p.name for p in (tmp_path / "pdf").iterdir()] == ["ersuchen-3.pdf"]
    # the messages were there to leak: every faulty field was named
    for name in ("massnahme.grund", "person1.name", "massnahme.datum", "unterkunft.plz",
                 "massnahme.zwang", "person1.nachname"):
        assert f"{name}: " in said, name


# --- every command, every format, four fillers ---------------------------------------------------
# Requests are filled with a distinctive value in every personal field (`personal = true` in
# forms/) through vhpdf, pdftk, PyMuPDF and pdf.js, so that misprint findings (pdftk draws boxes)
# occur. Every command runs to its expected exit status first; then stdout, stderr and every file
# it wrote are searched for each value. A control run with --mit-werten shows the values, so the
# search can fail.

# Replies are addressed to the caseworker by name and mail address: their function, and said so
# in the README. Every other personal value stays out of replies.
ADDRESSING = ("kontakt_name", "kontakt_email")


def personal_secrets(form, base: dict) -> dict[str, str]:
    """A distinctive value for every personal text field of every person block in `base`."""
    persons = form.persons_in(base)
    secrets: dict[str, str] = {}
    for i, (name, f) in enumerate(form.field_map(persons).items()):
        if not f.personal or f.type.value != "text":
            continue
        fmt = f.format.value if f.format else None
        if fmt == "datum":
            secrets[name] = f"{(i % 27) + 1:02d}.0{(i % 9) + 1}.19{30 + i % 60}"
        elif fmt == "plz":
            secrets[name] = f"4{i:04d}"
        elif fmt == "email":
            secrets[name] = f"zyq{i}@abh-privat.example"
        elif fmt == "telefon":
            secrets[name] = f"0171 99{i:05d}"
        else:  # letters pdftk cannot draw, so its misprint findings quote them if anything does
            secrets[name] = f"Zyq{chr(65 + i % 26)}{chr(97 + i // 26)}Wiśńğ"
    assert len(set(secrets.values())) == len(secrets)
    return secrets


def _eml_text(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [f"{k}: {v}" for k, v in msg.items()]
    parts += [p.get_content() for p in msg.walk() if p.get_content_maintype() == "text"]
    return "\n".join(parts)


def _pdf_meta(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    xmp = reader.xmp_metadata
    return meta + (xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else "")


def _readable(path: Path) -> str:
    """What a person could read in a written file: text, decoded mail, or a PDF's metadata."""
    data = path.read_bytes()
    if path.suffix == ".eml":
        return _eml_text(data)
    if data.startswith(b"%PDF"):  # the values are the content of a PDF; its metadata must not carry them
        return _pdf_meta(data) + " " + path.name
    return data.decode("utf-8", "replace") + " " + path.name


@pytest.fixture(scope="module")
def case(tmp_path_factory, form, complete_values, blank_pdf):
    """A folder of incomplete requests filled by four programs, plus a second version."""
    root = tmp_path_factory.mktemp("privat")
    inbox = root / "eingang"
    inbox.mkdir()
    secrets = personal_secrets(form, complete_values)
    values = {**complete_values, **secrets, "massnahme.rechtsgrundlage": None}  # incomplete
    for n, (tool, fill) in enumerate((("vhpdf", None), ("pdftk", fill_pdftk), ("pymupdf", fill_pymupdf),
                                      ("pdfjs", fill_pdfjs))):
        own = {**values, "absender.aktenzeichen": f"ABH 32.4-{n}/26"}  # four requests, not versions
        out = inbox / f"{tool}.pdf"
        if fill is None:
            out.write_bytes(fill_form(own))
        else:
            fill(blank_pdf, own, out)
            out.with_suffix(".json").unlink(missing_ok=True)
            out.with_suffix(".xfdf").unlink(missing_ok=True)
    for tool in ("pdftk", "pymupdf"):  # a filler's metadata naming people: no copy may keep it
        from pypdf import PdfWriter

        writer = PdfWriter(clone_from=str(inbox / f"{tool}.pdf"))
        writer.add_metadata({"/Author": secrets["sachbearbeitung.name"], "/Title": secrets["person1.name"],
                             "/Subject": secrets["person1.erkenntnisse"]})
        writer.write(inbox / f"{tool}.pdf")
    later = {**values, "absender.aktenzeichen": "ABH 32.4-0/26", "ersuchen.datum": "15.10.2026",
             "person1.erkenntnisse": "ZyqNeuWiśń"}
    secrets["person1.erkenntnisse#2"] = "ZyqNeuWiśń"
    (inbox / "vhpdf-neu.pdf").write_bytes(fill_form(later))
    data = root / "daten.json"
    data.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    return root, inbox, data, secrets


def _run(cwd: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vhpdf", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _leaks(texts: dict[str, str], secrets: dict[str, str], allowed: set[str]) -> list[str]:
    return [f"{where}: {field} ({value})" for where, body in texts.items()
            for field, value in secrets.items() if field not in allowed and value in body]


def test_no_personal_value_in_any_output(case, form):
    root, inbox, data, secrets = case
    out = root / "aus"
    out.mkdir()
    runs = [  # (arguments, expected exit status)
        (["check", "--format", "table", "--ausfuehrlich", inbox, "--rueckmeldung", out / "r1"], 1),
        (["check", "--format", "json", "-o", out / "b.json", inbox], 1),
        (["check", "--format", "csv", "-o", out / "b.csv", "--jobs", "1", inbox], 1),
        (["check", "--format", "html", "-o", out / "b.html", inbox], 1),
        (["rueckmeldung", inbox, "-o", out / "r2"], 0),
        (["fill", data, "-o", out / "gefuellt.pdf"], 0),
        (["druck", inbox / "pdftk.pdf", "-o", out / "druck.pdf"], 0),
        (["flatten", inbox / "pymupdf.pdf", "-o", out / "flach.pdf"], 0),
        (["extract", out / "b.csv"], 1),  # not a PDF: the error names the file, not its content
    ]
    texts: dict[str, str] = {}
    assert len({" ".join(str(a) for a in args[:3]) for args, _ in runs}) == len(runs)
    for args, status in runs:
        proc = _run(root, *args)
        assert proc.returncode == status, (args, proc.stderr)
        command = " ".join(str(a) for a in args[:3])
        texts[f"{command}: stdout"], texts[f"{command}: stderr"] = proc.stdout, proc.stderr
    replies = sorted((out / "r1").iterdir()) + sorted((out / "r2").iterdir())
    assert len(replies) == 2 * 2 * 4  # .txt and .eml for the four current requests, twice
    files = {str(p.relative_to(root)): _readable(p) for p in out.rglob("*") if p.is_file()}
    cache = cache_dir()  # the forms' parsed data (form.tomlcache): written by these runs at the latest
    assert cache is not None and list(cache.glob("*.json"))
    cached = {f"Zwischenspeicher {p.name}": p.read_text(encoding="utf-8") for p in cache.iterdir()}
    allowed_in_replies = {form.role(r) for r in ADDRESSING}
    leaks = _leaks(texts | cached | {k: v for k, v in files.items() if "/r" not in k}, secrets, set())
    leaks += _leaks({k: v for k, v in files.items() if "/r" in k}, secrets, allowed_in_replies)
    assert not leaks, f"{len(leaks)} personal values leaked:\n" + "\n".join(leaks)
    assert any(form.role("kontakt_email") and secrets[form.role("kontakt_email")] in v
               for k, v in files.items() if k.endswith(".eml"))  # the replies were read


def test_values_appear_where_asked_for(case):
    root, inbox, _, secrets = case
    proc = _run(root, "check", "--format", "json", "--mit-werten", inbox)
    assert proc.returncode == 1, proc.stderr
    missing = [f for f, v in secrets.items() if v not in proc.stdout]
    assert not missing
    detail = _run(root, "check", "--ausfuehrlich", "--mit-werten", inbox / "pdftk.pdf")
    assert detail.returncode == 1, detail.stderr
    assert f"„{secrets['person1.name']}“" in detail.stdout  # the misprint is quoted when asked


def test_reply_elides_a_personal_value_even_in_a_finding_that_carries_one():
    """The last guard: a finding text naming a person (e.g. an annex name) loses the name."""
    from vhpdf.check.result import Finding, Result, Status
    from vhpdf.form.definition import Severity
    from vhpdf.report.reply import compose

    r = Result("x.pdf", Status.UNVOLLSTAENDIG, findings=[
        Finding("anlage", Severity.FEHLER, (), "Die Anlage Pass_Zyxqwv.pdf ist unlesbar.", "Erlass Nr. 5")],
        values={"person1.name": "Zyxqwv", "sachbearbeitung.name": "Frau Jana Beispiel",
                "sachbearbeitung.email": "jana@abh.example", "person1.erkenntnisse": "Zyx Suizidgedanken"})
    reply = compose(r)
    assert "Zyxqwv" not in reply.text and "Suizid" not in reply.text
    assert "Die Anlage Pass_….pdf ist unlesbar." in reply.text
    assert reply.to == "Frau Jana Beispiel <jana@abh.example>" and "Sehr geehrte Frau Beispiel" in reply.body


def test_signature_reports_name_changed_fields_not_values(tmp_path, form, complete_values):
    """A field changed after signing is named in every report; its value only with --mit-werten.

    The signer's name (the certificate's common name) is shown by design: it is the official
    who signed, the point of the signature check, not a value of the request.
    """
    from click.testing import CliRunner
    from signing import PASSWORD, change_field, make_pki

    from vhpdf.cli.commands import cli
    from vhpdf.write.sign import sign_pdf

    pki = make_pki(tmp_path)
    signed = sign_pdf(fill_form(secret_values(form, complete_values)), pki.signer_p12.read_bytes(),
                      PASSWORD.encode())
    changed = tmp_path / "geaendert.pdf"
    changed.write_bytes(change_field(signed, "person1.erkenntnisse", f"{SECRET} nachgetragen"))
    runner = CliRunner()
    for args in (["--format", "table", "--ausfuehrlich"], ["--format", "json"], ["--format", "csv"],
                 ["--format", "html"], ["--vertrauensanker", str(pki.ca_pem)]):
        result = runner.invoke(cli, ["check", *args, str(changed)], catch_exceptions=False)
        assert result.exit_code == 1, args
        assert "person1.erkenntnisse" in result.output, args  # the changed field is named
        assert SECRET not in result.output, args
    shown = runner.invoke(cli, ["check", "--mit-werten", str(changed)], catch_exceptions=False)
    assert shown.exit_code == 1 and f"{SECRET} nachgetragen" in shown.output


def test_version_10_migration_and_new_rules_show_no_values(tmp_path, form, complete_values):
    """The 1.0 carry-over (fill note, unclear-order warning, version hint) and the rules that
    name a competent KPB or court or a minor say what is wrong, never the person's values."""
    from vhpdf.form.definition import load_definition

    old_form = load_definition(version="1.0")
    old = {k: v for k, v in secret_values(form, complete_values).items() if k in old_form.field_map(4)}
    old.update({"beschluss.art": f"{SECRET} Beschluss", "beschluss.gericht": f"{SECRET} Gericht",
                "beschluss.status": "beigefuegt", "unterkunft.ort": "Herne", "unterkunft.plz": "44623",
                "empfaenger.kpb": "Polizeipräsidium Dortmund", "person1.geburtsdatum": "01.01.2015"})
    data = tmp_path / "alt.json"
    data.write_text(json.dumps(old), encoding="utf-8")
    fill = subprocess.run([sys.executable, "-m", "vhpdf", "fill", str(data), "-o", str(tmp_path / "a.pdf")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert fill.returncode == 0 and "Formularversion 1.0" in fill.stderr
    assert SECRET not in fill.stdout + fill.stderr
    (tmp_path / "a.pdf").unlink()
    (tmp_path / "alt.pdf").write_bytes(fill_form(old, form=old_form))
    for args in (["--format", "table", "--ausfuehrlich"], ["--format", "json"], ["--format", "csv"]):
        proc = subprocess.run([sys.executable, "-m", "vhpdf", "check", *args, str(tmp_path / "alt.pdf")],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert SECRET not in proc.stdout + proc.stderr, args
        if "json" in args:
            rules = {f["rule"] for f in json.loads(proc.stdout)[0]["findings"]}
            assert {"kpb-unzustaendig-unterkunft", "minderjaehrig", "durchsuchungsgericht-unzustaendig"} <= rules
            assert "ältere Formularversion 1.0" in proc.stdout and "nicht hervor" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "check", "--format", "json", "--mit-werten",
                           str(tmp_path / "alt.pdf")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert SECRET in proc.stdout  # the values were there to leak


def test_no_values_in_misprint_findings_html_or_unreadable_replies(tmp_path, form, blank_pdf, complete_values):
    """The grouped misprint finding (pdftk draws values wrong), the printable HTML report and the
    'bitte erneut senden' reply for an unreadable file name no value."""
    from fillers import fill_pdftk

    values = secret_values(form, complete_values)
    inbox = tmp_path / "ein"
    inbox.mkdir()
    filled = fill_pdftk(blank_pdf, values, inbox / "pdftk.pdf")
    (inbox / "abgeschnitten.pdf").write_bytes(filled.read_bytes()[:-3000])
    html = tmp_path / "bericht.html"
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--ausfuehrlich", str(inbox)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "drucken anders als gespeichert" in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--format", "html", "-o", str(html),
                           str(inbox)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and SECRET not in html.read_text(encoding="utf-8")
    replies = tmp_path / "antworten"
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "rueckmeldung", str(inbox / "abgeschnitten.pdf"),
                           "-o", str(replies)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (letter,) = replies.glob("*.txt")
    assert "bitte erneut senden" in letter.read_text(encoding="utf-8")
    assert SECRET not in "".join(p.read_text(encoding="utf-8") for p in replies.iterdir())
    # with --mit-werten the grouped finding quotes them: the checks above could have failed
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--ausfuehrlich", "--mit-werten",
                           str(inbox / "pdftk.pdf")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert SECRET in proc.stdout


def test_generated_pdfs_carry_the_real_creation_date():
    import datetime as dt

    from pypdf import PdfReader

    before = dt.datetime.now().astimezone().replace(microsecond=0) - dt.timedelta(seconds=1)
    reader = PdfReader(io.BytesIO(generate()))
    created, modified = reader.metadata.creation_date, reader.metadata.modification_date
    assert created == modified and created >= before, (created, before)
