"""Unhappy paths: exit code, German message naming the file, no output left behind."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vhpdf.cli.commands import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _json(tmp_path, data) -> str:
    path = tmp_path / "daten.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("data, expected", [
    ({"massnahme.grund": "x", "massnahme.grunt": "y", "person99.name": "z"},
     ["massnahme.grunt: unbekanntes Feld", "person99.name: unbekanntes Feld"]),
    ({"empfaenger.kpb": "PP Atlantis"}, ["empfaenger.kpb: ungültige Auswahl 'PP Atlantis'"]),
    ({"beschluss_durchsuchung.status": "vielleicht"},
     ["beschluss_durchsuchung.status: ungültige Auswahl 'vielleicht'"]),
    ({"massnahme.zwang": "ja"}, ["massnahme.zwang: true oder false erwartet"]),
    ({"person1.name": 42}, ["person1.name: Text erwartet"]),
    ({"abschluss.signatur": "x"}, ["abschluss.signatur: ein Signaturfeld kann nicht vorausgefüllt werden"]),
    (["keine", "zuordnung"], ["JSON-Objekt"]),
])
def test_fill_rejects_bad_data(tmp_path, data, expected):
    path = _json(tmp_path, data)
    result = run("ausfuellen", path, "-o", tmp_path / "out.pdf")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert str(path) in result.output
    for text in expected:
        assert text in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_fill_unencodable_character_is_named(tmp_path):
    # A character the embedded font cannot draw is refused, never printed as "?".
    path = _json(tmp_path, {"person1.name": "Дмитрий"})
    result = run("ausfuellen", path, "-o", tmp_path / "out.pdf")
    assert result.exit_code == 1
    assert "person1.name: das Zeichen 'Д' (U+0414" in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_fill_invalid_json(tmp_path):
    path = tmp_path / "kaputt.json"
    path.write_text("{nicht json", encoding="utf-8")
    result = run("ausfuellen", path, "-o", tmp_path / "out.pdf")
    assert result.exit_code == 1
    assert "keine gültige JSON-Datei" in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_generate_does_not_overwrite(tmp_path):
    out = tmp_path / "vorhanden.pdf"
    out.write_bytes(b"alt")
    result = run("erzeugen", "-o", out)
    assert result.exit_code == 2  # an operator error, like a usage error
    assert "existiert bereits (mit --force überschreiben)" in result.output
    assert out.read_bytes() == b"alt"
    assert run("erzeugen", "-o", out, "--force").exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["vorhanden.pdf"]  # no temporary files left


def test_generate_into_missing_folder(tmp_path):
    result = run("erzeugen", "-o", tmp_path / "fehlt" / "x.pdf")
    assert result.exit_code == 2
    assert "existiert nicht" in result.output


def test_extract_not_a_pdf(tmp_path):
    bad = tmp_path / "brief.pdf"
    bad.write_text("Sehr geehrte Damen und Herren", encoding="utf-8")
    result = run("auslesen", bad)
    assert result.exit_code == 1
    assert f"{bad}: Die Datei ist keine PDF-Datei, sondern eine Textdatei." in result.output


def test_extract_pdf_without_form(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    plain = tmp_path / "ohne-felder.pdf"
    c = Canvas(str(plain))
    c.drawString(100, 700, "Nur Text")
    c.save()
    result = run("auslesen", plain)
    assert result.exit_code == 1
    assert "enthält keine Formularfelder" in result.output


def test_check_bad_file_among_good_ones(tmp_path, complete_pdf):
    bad = tmp_path / "kaputt.pdf"
    bad.write_bytes(complete_pdf.read_bytes()[:4000])
    text = tmp_path / "notiz.pdf"
    text.write_text("kein pdf", encoding="utf-8")
    result = run("pruefen", complete_pdf, bad, text)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.count("? unlesbar") == 2
    assert "Die Datei ist keine PDF-Datei, sondern eine Textdatei." in result.output
    assert result.output.rstrip().endswith(  # the text file is an input, not a request
        "3 Eingänge, 2 Ersuchen geprüft: 1 vollständig, 0 unvollständig, 1 unlesbar. "
        f"nicht geprüft: 1 Datei, weder PDF-Datei noch E-Mail ({text}).")
    alone = run("pruefen", text)  # alone it is still named, and the exit status says so
    assert alone.exit_code == 1
    assert "notiz.pdf" in alone.output and "keine PDF-Datei, sondern eine Textdatei" in alone.output
    assert alone.output.rstrip().endswith(
        "1 Eingang, 0 Ersuchen geprüft: 0 vollständig, 0 unvollständig, 0 unlesbar. "
        f"nicht geprüft: 1 Datei, weder PDF-Datei noch E-Mail ({text}).")
    # a mistyped path is an operator error before any work, like an empty folder (exit 2)
    result = run("pruefen", complete_pdf, tmp_path / "fehlt.pdf")
    assert result.exit_code == 2
    assert f"Nicht gefunden: {tmp_path / 'fehlt.pdf'}" in result.output


def test_check_other_form(tmp_path, form):
    from pypdf import PdfWriter

    from vhpdf.write.generate import generate

    writer = PdfWriter(clone_from=__import__("io").BytesIO(generate()))
    writer.add_metadata({"/VhpdfFormId": "anderes-formular"})
    other = tmp_path / "anderes.pdf"
    with other.open("wb") as fh:
        writer.write(fh)
    result = run("pruefen", other)
    assert result.exit_code == 1
    assert "anderes Formular (anderes-formular)" in result.output


def test_check_empty_folder(tmp_path):
    result = run("pruefen", tmp_path)
    assert result.exit_code == 2
    assert "Keine PDF-Dateien oder E-Mails gefunden." in result.output


def test_check_report_not_overwritten(tmp_path, complete_pdf):
    report = tmp_path / "bericht.csv"
    report.write_text("alt", encoding="utf-8")
    result = run("pruefen", complete_pdf, "--format", "csv", "-o", report)
    assert result.exit_code == 2
    assert "existiert bereits" in result.output
    assert report.read_text(encoding="utf-8") == "alt"


def test_usage_error_exits_two():
    assert run("pruefen").exit_code == 2
    assert run("pruefen", "x.pdf", "--format", "xml").exit_code == 2
