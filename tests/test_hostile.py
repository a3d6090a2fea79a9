"""Broken and hostile inputs: one test per class, then one bulk `vhpdf check` over all of them.

Every verdict is German, names the problem, and is never a silent wrong answer: a file that
cannot be read reliably is `unlesbar`; a file that was repaired says so and reads the same
values as the intact original.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import corpus
import pytest

from vhpdf.batch.sources import Item
from vhpdf.batch.task import check_item
from vhpdf.check.result import Status
from vhpdf.read.errors import ErrorKind
from vhpdf.read.extract import read_pdf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def complete_bytes(complete_pdf) -> bytes:
    return complete_pdf.read_bytes()


@pytest.fixture(scope="session")
def incomplete_bytes(incomplete_values) -> bytes:
    from vhpdf.write.generate import fill_form

    return fill_form(incomplete_values)


def verdict(data: bytes, **options):
    return check_item(Item("datei.pdf", data=data), **options)


def assert_unlesbar(result, kind: ErrorKind, *words: str) -> None:
    assert result.status is Status.UNLESBAR, result
    assert result.error_kind == kind, result.error
    for w in words:
        assert w in result.error, result.error


# --- not a PDF ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data,words", [
    (b"", "leer"),
    (b"Sehr geehrte Damen und Herren,\nanbei das Ersuchen.\n", "Textdatei"),
    (b"<!DOCTYPE html><html><body>Ersuchen</body></html>", "HTML"),
    (corpus.png(), "Bild (PNG)"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "Bild (JPEG)"),
], ids=["leer", "text", "html", "png", "jpeg"])
def test_not_a_pdf(data, words):
    assert_unlesbar(verdict(data), ErrorKind.NOT_PDF, "keine PDF-Datei" if data else "", words)


def test_zip_holding_a_pdf_is_not_read_as_the_pdf(complete_bytes):
    # stored uncompressed, the PDF header sits within the first kilobyte of the ZIP
    data = corpus.zip_of(complete_bytes)
    assert b"%PDF-" in data[:1024]
    assert_unlesbar(verdict(data), ErrorKind.NOT_PDF, "ZIP-Archiv")


def test_gzip(complete_bytes):
    import gzip

    assert_unlesbar(verdict(gzip.compress(complete_bytes)), ErrorKind.NOT_PDF, "gzip")


# --- damaged -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.99])
def test_truncated(complete_bytes, fraction):
    cut = complete_bytes[: int(len(complete_bytes) * fraction)]
    assert_unlesbar(verdict(cut), ErrorKind.TRUNCATED, "abgeschnitten")


@pytest.mark.parametrize("damage", [corpus.wrong_startxref, corpus.shifted_offsets],
                         ids=["startxref", "offsets"])
def test_damaged_xref_is_repaired_and_says_so(complete_bytes, damage, form):
    intact = read_pdf(complete_bytes, form)
    repaired = read_pdf(damage(complete_bytes), form)
    assert repaired.values == intact.values
    assert any("Querverweistabelle" in w and "repariert" in w for w in repaired.warnings)
    assert not any("Querverweistabelle" in w for w in intact.warnings)
    result = verdict(damage(complete_bytes))
    assert result.status is Status.VOLLSTAENDIG
    assert any("repariert" in f.message and f.severity.value == "warnung" for f in result.findings)


def test_glued_pdfs_are_not_read_as_either(complete_bytes, incomplete_bytes):
    for data in (complete_bytes + incomplete_bytes, incomplete_bytes + b"\r\n" + complete_bytes):
        assert_unlesbar(verdict(data), ErrorKind.GLUED, "mehreren aneinandergehängten")


# --- encrypted ---------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ["AES-256", "AES-128", "RC4-128", "RC4-40"])
def test_encrypted_with_user_password(complete_bytes, algorithm, form):
    data = corpus.encrypt(complete_bytes, algorithm)
    assert_unlesbar(verdict(data), ErrorKind.ENCRYPTED, "verschlüsselt", "--passwort")
    assert_unlesbar(verdict(data, password="falsch"), ErrorKind.ENCRYPTED, "passt nicht")
    opened = verdict(data, password="geheim", keep_values=True)
    assert opened.status is Status.VOLLSTAENDIG
    assert opened.values == read_pdf(complete_bytes, form).values


def test_empty_user_password_just_works(complete_bytes, form):
    data = corpus.encrypt(complete_bytes, "AES-256", user="")
    result = verdict(data, keep_values=True)
    assert result.status is Status.VOLLSTAENDIG
    assert result.values == read_pdf(complete_bytes, form).values


# --- resource attacks --------------------------------------------------------------------------

def test_decompression_bomb():
    assert_unlesbar(verdict(corpus.bomb()), ErrorKind.LIMIT, "Dekompressionsbombe")


@pytest.mark.parametrize("data", [corpus.deep_fields(), corpus.deep_arrays()],
                         ids=["feldbaum", "arrays"])
def test_absurd_nesting(data):
    assert_unlesbar(verdict(data), ErrorKind.LIMIT, "tief verschachtelt")


def test_loop_in_field_tree():
    assert_unlesbar(verdict(corpus.field_loop()), ErrorKind.LIMIT, "Feldstruktur", "Schleife")


def test_loop_in_page_tree():
    assert_unlesbar(verdict(corpus.page_loop()), ErrorKind.LIMIT, "Seitenbaum", "Schleife")


def test_tens_of_thousands_of_fields():
    assert_unlesbar(verdict(corpus.many_fields(30_000)), ErrorKind.LIMIT, "über 10.000 Formularfelder")


def test_object_stream_is_parsed_object_by_object():
    """pypdf parses every object of an object stream on the first access (pdf.js's
    bug1978317.pdf: 320 MB and 10 s to show its one page); vhpdf's reader parses what it reads."""
    import io

    from pypdf import PdfReader

    from vhpdf.pdf.pypdf_compat import pdf_reader

    data = corpus.many_links(30_000)
    reader = pdf_reader(io.BytesIO(data))
    assert reader.pages[0].mediabox.width == 595
    assert len(reader.resolved_objects) < 10, len(reader.resolved_objects)
    plain = PdfReader(io.BytesIO(data))

    def written(obj) -> bytes:
        out = io.BytesIO()
        obj.write_to_stream(out)
        return out.getvalue()

    for num in (1, 2, 3, 4, 17_000, 30_003):
        assert written(reader.get_object(num)) == written(plain.get_object(num)), num
    assert reader.get_object(30_004) is not None  # the object stream itself is an ordinary object
    assert_unlesbar(verdict(data), ErrorKind.NO_FORM, "keine Formularfelder")


def test_megabyte_value_is_read_and_reported():
    result = verdict(corpus.megabyte_value(), keep_values=True)
    assert result.status is not Status.UNLESBAR
    assert len(result.values["massnahme.grund"]) > 1_000_000
    assert any("ungewöhnlich langen Wert" in f.message for f in result.findings)


# --- content oddities --------------------------------------------------------------------------

def test_odd_unicode(form):
    ex = read_pdf(corpus.odd_unicode(), form)
    v = ex.values
    assert v["person1.name"] == "Müller"  # combining mark composed (NFC)
    assert v["person1.vorname"] == "Ali"  # NUL removed
    assert v["unterkunft.ort"] == "adnawhC"  # right-to-left override removed
    assert v["person1.staatsangehoerigkeit"] == "x\ufffdy"  # lone surrogate replaced
    assert v["massnahme.grund"] == "Abschiebung"  # UTF-16 without BOM recognised
    assert v["absender.behoerde"] == "العربية"  # ordinary RTL text untouched
    flagged = {w.split("„")[1].split("“")[0] for w in ex.warnings if "Steuerzeichen" in w}
    labels = form.field_map(1)
    assert flagged == {labels[n].label for n in ("person1.vorname", "unterkunft.ort",
                                                 "person1.staatsangehoerigkeit", "massnahme.grund")}
    assert "feld" in ex.unknown_fields  # NUL and RTL override stripped from names too
    # the result must survive every report format (a lone surrogate would break UTF-8 output)
    from vhpdf.report.data import render_csv, render_json
    from vhpdf.report.table import render_table

    result = verdict(corpus.odd_unicode(), keep_values=True)
    for text in (render_json([result]), render_csv([result]), render_table([result])):
        text.encode("utf-8")


def test_conflicting_duplicate_names_give_a_verdict():
    assert_unlesbar(verdict(corpus.duplicate_names()), ErrorKind.CONFLICT, "Familienname",
                    "unterschiedlichen Werten")
    result = verdict(corpus.duplicate_names())
    assert "Schmidt" not in result.error and "Meier" not in result.error


def test_agreeing_duplicates_are_only_noted():
    result = verdict(corpus.duplicate_names(same=True))
    assert result.status is not Status.UNLESBAR
    assert any("Mehrfach vorhandene Feldnamen" in f.message for f in result.findings)


def test_xfa_only_form():
    assert_unlesbar(verdict(corpus.xfa_only()), ErrorKind.XFA, "XFA")


def test_other_form_and_no_form():
    assert_unlesbar(verdict(corpus.foreign_form()), ErrorKind.FOREIGN_FORM, "nicht zum Vollzugshilfeersuchen")
    assert_unlesbar(verdict(corpus.foreign_form_id()), ErrorKind.FOREIGN_FORM, "reisekostenantrag")
    assert_unlesbar(verdict(corpus.no_form()), ErrorKind.NO_FORM, "keine Formularfelder")


def test_other_version_is_checked_with_a_warning(complete_bytes):
    result = verdict(corpus.other_version(complete_bytes))
    assert result.status is Status.VOLLSTAENDIG and result.form_version == "0.9"
    assert any("Formularversion 0.9" in f.message and f.severity.value == "warnung"
               for f in result.findings)


def test_launch_and_javascript_are_reported_never_run(tmp_path):
    marker = tmp_path / "AUSGEFUEHRT"
    path = tmp_path / "launch.pdf"
    path.write_bytes(corpus.launch_and_js(marker))
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--ausfuehrlich", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "/Launch" in proc.stdout and "nicht ausgeführt" in proc.stdout
    assert "JavaScript" in proc.stdout
    assert not marker.exists()


# --- paths that are not regular files --------------------------------------------------------

def _path_verdict(path: Path):
    return check_item(Item(str(path), path=path))


def test_directory(tmp_path):
    assert_unlesbar(_path_verdict(tmp_path), ErrorKind.NOT_REGULAR_FILE, "Ordner")


def test_fifo_is_never_opened(tmp_path):
    fifo = tmp_path / "ersuchen.pdf"
    os.mkfifo(fifo)  # opening it for reading would block forever
    assert_unlesbar(_path_verdict(fifo), ErrorKind.NOT_REGULAR_FILE, "FIFO")


def test_link_to_device(tmp_path):
    link = tmp_path / "ersuchen.pdf"
    link.symlink_to("/dev/zero")  # reading it would never end
    assert_unlesbar(_path_verdict(link), ErrorKind.NOT_REGULAR_FILE, "Gerät")


def test_missing_and_dangling(tmp_path):
    assert_unlesbar(_path_verdict(tmp_path / "fehlt.pdf"), ErrorKind.NOT_REGULAR_FILE, "existiert nicht")
    link = tmp_path / "weg.pdf"
    link.symlink_to(tmp_path / "fehlt.pdf")
    assert_unlesbar(_path_verdict(link), ErrorKind.NOT_REGULAR_FILE, "ins Leere")


def test_no_read_permission(complete_bytes):
    """As root (CI) the check drops to user nobody first, since root may read anything.

    The form and the messages are loaded before, as a worker has them: nobody cannot read the
    Python install under /root, so a module first imported after the drop (tomllib, for a cache
    that nobody may not read) would fail for a reason that is not the request's."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="vhpdf-rechte-"))
    try:
        folder.chmod(0o755)
        path = folder / "ersuchen.pdf"
        path.write_bytes(complete_bytes)
        path.chmod(0)
        code = ("import os, sys; from pathlib import Path; from vhpdf.batch.sources import Item\n"
                "from vhpdf.batch.task import check_item\n"
                "from vhpdf.form.definition import load_definition\n"
                "from vhpdf.form.messages import catalogue\n"
                "form = load_definition(); catalogue()\n"
                "if os.geteuid() == 0:\n    os.setgid(65534); os.setuid(65534)\n"
                "r = check_item(Item('x', path=Path(sys.argv[1])), form); print(r.status.value, r.error)")
        proc = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert proc.stdout.startswith("unlesbar Keine Leseberechtigung"), proc.stdout + proc.stderr
    finally:
        shutil.rmtree(folder)


def test_odd_file_names_work_as_given(tmp_path, complete_bytes):
    names = ["mit leerzeichen äöü ß.pdf", "-strich.pdf", "$(touch GESCHEITERT);`id`&|.pdf",
             "Ersuchen\u202egpj.pdf"]
    for n in names:
        (tmp_path / n).write_bytes(complete_bytes)
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--format", "json", "--", *names],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert [r["file"] for r in results] == names
    assert all(r["status"] == "vollständig" for r in results)
    assert not (tmp_path / "GESCHEITERT").exists()


# --- everything at once ------------------------------------------------------------------------

def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.is_file() and not p.is_symlink()}


def test_bulk_check_over_the_whole_corpus(tmp_path, complete_bytes, incomplete_bytes):
    folder = tmp_path / "eingang"
    folder.mkdir()
    expected = corpus.build_corpus(folder, complete_bytes, incomplete_bytes)
    before = _hashes(folder)
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--format", "json",
                           "--jobs", "2", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr == ""
    results = json.loads(proc.stdout)
    names = [Path(r["file"]).name for r in results]
    assert sorted(names) == sorted(expected)  # every file exactly once
    assert names == sorted(names)  # in a stable order
    got = {Path(r["file"]).name: r["status"] for r in results}
    assert got == expected
    for r in results:
        if r["status"] == "unlesbar":
            assert r["error"] and r["error"].endswith("."), r
    assert _hashes(folder) == before  # inputs byte-identical
    assert not (folder / "AUSGEFUEHRT").exists() and not (ROOT / "GESCHEITERT").exists()
    table = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", str(folder)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert table.returncode == 1 and "Traceback" not in table.stdout + table.stderr
    rows = [line for line in table.stdout.splitlines() if line[:1] in "✔✘?⟲"]
    assert len(rows) == len(expected)  # one row per file, versions included


def test_incremental_update_is_neither_glued_nor_repaired(tmp_path, complete_pdf, form):
    """Acrobat and others append changes to the file: several %%EOF, one header, one document."""
    import shutil

    import pymupdf

    path = tmp_path / "inkrementell.pdf"
    shutil.copyfile(complete_pdf, path)
    doc = pymupdf.open(path)
    for page in doc:
        for widget in page.widgets():
            if widget.field_name == "person1.vorname":
                widget.field_value = "Neuer Vorname"
                widget.update()
    doc.saveIncr()
    doc.close()
    data = path.read_bytes()
    assert data.startswith(complete_pdf.read_bytes()) and data.count(b"%%EOF") >= 2
    ex = read_pdf(data, form)
    assert ex.values["person1.vorname"] == "Neuer Vorname"
    assert ex.warnings == []
