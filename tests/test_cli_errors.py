"""Unhappy paths of the command line: exit status, a German message, and no output left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import corpus
import pytest

ROOT = Path(__file__).resolve().parent.parent


def vhpdf(*args: str, cwd: Path = ROOT, **more_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "VHPDF_PASSWORT"}
    return subprocess.run([sys.executable, "-m", "vhpdf", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env={**env, "PYTHONPATH": str(ROOT), **more_env})


def no_leftovers(folder: Path) -> bool:
    return not list(folder.glob(".vhpdf-*"))


def assert_clean_failure(proc, code: int, *words: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stdout + proc.stderr
    for w in words:
        assert w in proc.stderr, proc.stderr


def test_check_refuses_to_overwrite_a_report(tmp_path, complete_pdf):
    report = tmp_path / "bericht.json"
    report.write_text("alt")
    proc = vhpdf("pruefen", complete_pdf, "--format", "json", "-o", report)
    assert_clean_failure(proc, 2, "existiert bereits", "--force")
    assert report.read_text() == "alt" and no_leftovers(tmp_path)
    proc = vhpdf("pruefen", complete_pdf, "--format", "json", "-o", report, "--force")
    assert proc.returncode == 0 and json.loads(report.read_text())[0]["status"] == "vollständig"
    assert report.stat().st_mode & 0o777 == 0o600


def test_check_report_into_a_missing_folder(tmp_path, complete_pdf):
    target = tmp_path / "gibt-es-nicht" / "bericht.csv"
    proc = vhpdf("pruefen", complete_pdf, "--format", "csv", "-o", target)
    assert_clean_failure(proc, 2, "existiert nicht")
    assert not target.parent.exists()


def test_check_report_onto_a_folder(tmp_path, complete_pdf):
    (tmp_path / "ziel").mkdir()
    proc = vhpdf("pruefen", complete_pdf, "-o", tmp_path / "ziel", "--force")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert list((tmp_path / "ziel").iterdir()) == [] and no_leftovers(tmp_path)


def test_check_without_a_writable_cache_folder(tmp_path, complete_pdf):
    """Installed read-only, or a home without ~/.cache: the forms are parsed, nothing is cached."""
    blocked = tmp_path / "cache"
    blocked.write_text("")  # a file where the folder would have to be made
    proc = vhpdf("pruefen", complete_pdf, "--format", "json", XDG_CACHE_HOME=str(blocked))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["status"] == "vollständig" and proc.stderr == ""
    assert blocked.read_text() == ""


def test_check_without_pdfs(tmp_path):
    (tmp_path / "brief.txt").write_text("kein PDF")
    assert_clean_failure(vhpdf("pruefen", tmp_path), 2, "Keine PDF-Dateien oder E-Mails gefunden")


@pytest.mark.parametrize("option", [["--timeout", "0"], ["--jobs", "0"], ["--speicher", "1"]])
def test_check_rejects_nonsense_limits(complete_pdf, option):
    assert_clean_failure(vhpdf("pruefen", complete_pdf, *option), 2, "Ungültiger Wert")


def test_check_encrypted_without_password_on_a_pipe(tmp_path, complete_pdf):
    path = tmp_path / "zu.pdf"
    path.write_bytes(corpus.encrypt(complete_pdf.read_bytes(), "AES-128"))
    proc = vhpdf("pruefen", path)  # stdin is not a terminal: no prompt, a verdict
    assert proc.returncode == 1 and "verschlüsselt" in proc.stdout and "--passwort" in proc.stdout
    proc = vhpdf("pruefen", "--passwort", "falsch", path)
    assert proc.returncode == 1 and "passt nicht" in proc.stdout
    assert vhpdf("pruefen", "--passwort", "geheim", path).returncode == 0


def test_extract_of_a_broken_file_leaves_no_output(tmp_path, complete_pdf):
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(complete_pdf.read_bytes()[:5000])
    out = tmp_path / "werte.json"
    proc = vhpdf("auslesen", broken, "-o", out)
    assert_clean_failure(proc, 1, f"{broken}: Die PDF-Datei ist abgeschnitten")
    assert not out.exists() and no_leftovers(tmp_path)


@pytest.mark.parametrize("make,words", [
    (lambda p: p.mkdir(), "Ordner"),
    (lambda p: os.mkfifo(p), "FIFO"),
    (lambda p: p.symlink_to("/dev/urandom"), "Gerät"),
    (lambda p: None, "Nicht gefunden"),
], ids=["ordner", "fifo", "geraet", "fehlt"])
def test_extract_of_a_path_that_is_no_file(tmp_path, make, words):
    target = tmp_path / "ersuchen.pdf"
    make(target)
    out = tmp_path / "werte.csv"
    proc = vhpdf("auslesen", target, "--format", "csv", "-o", out)
    assert_clean_failure(proc, 2 if words == "Nicht gefunden" else 1, words)
    assert not out.exists() and no_leftovers(tmp_path)


def test_extract_encrypted_with_password(tmp_path, complete_pdf):
    path = tmp_path / "zu.pdf"
    path.write_bytes(corpus.encrypt(complete_pdf.read_bytes(), "RC4-128"))
    assert_clean_failure(vhpdf("auslesen", path), 1, "verschlüsselt")
    proc = vhpdf("auslesen", "--passwort", "geheim", path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["values"]


def test_fill_with_bad_json_leaves_no_pdf(tmp_path):
    data = tmp_path / "daten.json"
    data.write_text("{ kein json", encoding="utf-8")
    proc = vhpdf("ausfuellen", data)
    assert_clean_failure(proc, 1, "keine gültige JSON-Datei")
    assert not (tmp_path / "daten.pdf").exists() and no_leftovers(tmp_path)


def test_fill_with_unknown_field_leaves_no_pdf(tmp_path):
    data = tmp_path / "daten.json"
    data.write_text(json.dumps({"gibt.es.nicht": "x"}), encoding="utf-8")
    proc = vhpdf("ausfuellen", data)
    assert_clean_failure(proc, 1, "unbekanntes Feld")
    assert not (tmp_path / "daten.pdf").exists()


def test_generate_refuses_to_overwrite(tmp_path):
    target = tmp_path / "formular.pdf"
    target.write_bytes(b"vorher")
    assert_clean_failure(vhpdf("erzeugen", "-o", target), 2, "existiert bereits")
    assert target.read_bytes() == b"vorher" and no_leftovers(tmp_path)


def test_unknown_option_is_a_usage_error(complete_pdf):
    assert_clean_failure(vhpdf("pruefen", "--gibtsnicht", complete_pdf), 2, "Unbekannte Option")


def test_reader_going_away_is_no_traceback(tmp_path, complete_pdf):
    """`vhpdf check … | head -1` on a long report."""
    for i in range(40):  # ~9 kB of JSON each with values: six times what a pipe buffers
        (tmp_path / f"e{i:03d}.pdf").symlink_to(complete_pdf)
    proc = subprocess.Popen([sys.executable, "-m", "vhpdf", "pruefen", "--jobs", "2", "--format", "json",
                             "--mit-werten", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(120) in (0, 1)
    assert "Traceback" not in err and "Exception ignored" not in err, err


def test_an_interrupted_report_leaves_nothing_that_looks_complete(tmp_path):
    """A report is written piece by piece as results arrive; until its last piece it has no name."""
    from vhpdf.report.output import open_output

    target = tmp_path / "bericht.json"
    with pytest.raises(KeyboardInterrupt), open_output(target) as fh:
        fh.write(b'[\n  {"file": "a.pdf"}')
        assert not target.exists()
        raise KeyboardInterrupt
    assert not target.exists() and no_leftovers(tmp_path)
    with open_output(target) as fh:
        fh.write(b"[]\n")
    assert target.read_bytes() == b"[]\n" and target.stat().st_mode & 0o777 == 0o600
