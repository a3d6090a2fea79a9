"""Privacy: no network, no field values in messages or default reports, no traces in metadata."""

from __future__ import annotations

import getpass
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import corpus

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
    import sys
    events = []
    def hook(event, args):
        if event.startswith(("socket.", "urllib.", "http.", "ftplib.", "smtplib.", "webbrowser.")):
            with open(sys.argv[1], "a") as log:
                log.write(event + "\\n")
    sys.addaudithook(hook)
    if sys.argv[2] == "kontrolle":
        import socket
        socket.socket().close()
        sys.exit(0)
    from vhpdf.cli.commands import main
    sys.argv = ["vhpdf", *sys.argv[2:]]
    main()
""")


def test_no_network_anywhere(tmp_path, complete_values):
    """Every command runs under an audit hook that logs any socket or URL use (workers too)."""
    log = tmp_path / "netz.log"
    data = tmp_path / "daten.json"
    data.write_text(json.dumps(complete_values), encoding="utf-8")
    runs = [["kontrolle"],
            ["generate", "-o", tmp_path / "leer.pdf"],
            ["fill", data, "-o", tmp_path / "voll.pdf"],
            ["extract", tmp_path / "voll.pdf"],
            ["check", "--jobs", "2", "--format", "json", tmp_path],
            ["rules"]]
    for args in runs:
        proc = subprocess.run([sys.executable, "-c", AUDIT, str(log), *map(str, args)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert "Traceback" not in proc.stderr, proc.stderr
        if args == ["kontrolle"]:  # the hook does see a socket (so this test can fail)
            assert "socket.__new__" in log.read_text()
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
        proc = subprocess.run([sys.executable, "-m", "vhpdf", "check", "--format", fmt, str(tmp_path)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1
        assert SECRET not in proc.stdout + proc.stderr, fmt
        if fmt in ("table", "html"):
            assert "übersprungen: 1 Datei" in proc.stdout and "weitergeleitete Mail › ersuchen.pdf" in proc.stdout
        if fmt == "json":
            assert "Anlage „Beschluss.pdf“ ist beschädigt" in proc.stdout
    extract = subprocess.run([sys.executable, "-m", "vhpdf", "extract", str(tmp_path / "doppelt.pdf")],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert extract.returncode == 1 and SECRET not in extract.stderr
    # with --mit-werten the values are there: the check above could have failed
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "check", "--format", "json", "--mit-werten",
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
