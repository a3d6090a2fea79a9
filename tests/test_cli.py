"""The CLI as users call it; every result is verified through the library."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from conftest import SAMPLES

from vhpdf.batch.task import check_file
from vhpdf.check.result import Status
from vhpdf.cli.commands import cli
from vhpdf.read.extract import extract


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def test_generate(tmp_path, form):
    out = tmp_path / "formular.pdf"
    result = run("erzeugen", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"Formular geschrieben: {out}" in result.output
    ex = extract(out)
    assert ex.persons == 4 and ex.form_version == form.version
    assert (out.stat().st_mode & 0o777) == 0o600


def test_generate_with_more_persons(tmp_path):
    out = tmp_path / "sechs.pdf"
    assert run("erzeugen", "--personen", 6, "-o", out).exit_code == 0
    assert extract(out).persons == 6


def test_fill_then_extract_json_and_csv(tmp_path, complete_values):
    out = tmp_path / "ersuchen.pdf"
    assert run("ausfuellen", SAMPLES / "vollstaendig.json", "-o", out).exit_code == 0
    result = run("auslesen", out)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["form"] == {"id": "vhe-nrw", "version": "1.1"}
    assert data["values"]["person1.vorname"] == "Arbër"
    assert data["values"]["absender.anschrift"] == "Niederwall 23\n33602 Bielefeld"
    assert data["values"]["massnahme.betreten"] is True
    assert data["values"]["person4.name"] is None

    result = run("auslesen", out, "--format", "csv")
    assert result.output.startswith("\ufeff")
    rows = dict(csv.reader(io.StringIO(result.output[1:]), delimiter=";"))
    assert rows["beschluss_durchsuchung.status"] == "beigefuegt"
    assert rows["massnahme.festnahme"] == "nein"


def test_fill_accepts_version_10_names_and_says_so(tmp_path, complete_values):
    """1.0 data (one beschluss block) is carried over through forms/migration-1.0-1.1.toml."""
    old = {k: v for k, v in complete_values.items() if not k.startswith(("beschluss_", "einsatzort."))}
    old.update({"beschluss.art": "Durchsuchungsbeschluss", "beschluss.gericht": "VG Minden",
                "beschluss.status": "beigefuegt"})
    data = tmp_path / "alt.json"
    data.write_text(json.dumps(old), encoding="utf-8")
    result = run("fill", data, "-o", tmp_path / "alt.pdf")
    assert result.exit_code == 0, result.output
    assert "Feldnamen der Formularversion 1.0" in result.stderr
    assert "Formularversion 1.0" not in result.stdout
    values = extract(tmp_path / "alt.pdf").values
    assert values["beschluss_durchsuchung.gericht"] == "VG Minden"
    assert values["beschluss_durchsuchung.status"] == "beigefuegt"
    assert values["einsatzort.art"] == "unterkunft"


def test_fill_default_output_beside_data(tmp_path):
    data = tmp_path / "fall.json"
    data.write_text('{"massnahme.grund": "Grund"}', encoding="utf-8")
    assert run("ausfuellen", data).exit_code == 0
    assert extract(tmp_path / "fall.pdf").values["massnahme.grund"] == "Grund"


def test_check_table_folder(tmp_path, complete_values, incomplete_values):
    for name in ("vollstaendig", "unvollstaendig"):
        run("ausfuellen", SAMPLES / f"{name}.json", "-o", tmp_path / f"{name}.pdf")
    result = run("pruefen", tmp_path)
    assert result.exit_code == 1
    assert "✔ vollständig" in result.output and "✘ unvollständig" in result.output
    row = next(line for line in result.output.splitlines() if "/vollstaendig.pdf" in line)
    assert "Detmold" in row  # the Bezirksregierung that mediates (Erlass Nr. 6)
    assert "2 Ersuchen geprüft: 1 vollständig, 1 unvollständig, 0 unlesbar." in result.output
    assert "\x1b[" not in result.output  # no colour when not on a terminal


def test_check_complete_exits_zero(complete_pdf):
    result = run("pruefen", complete_pdf)
    assert result.exit_code == 0, result.output


def test_check_json_report_to_file(tmp_path, complete_pdf):
    report = tmp_path / "bericht.json"
    result = run("pruefen", complete_pdf, "--format", "json", "-o", report)
    assert result.exit_code == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data[0]["status"] == "vollständig"
    assert data[0]["form"] == {"id": "vhe-nrw", "version": "1.1"}
    assert {f["rule"] for f in data[0]["findings"]} == {"beschluss-anlage-fehlt", "signatur-fehlt",
                                                        "minderjaehrig"}
    assert data[0]["values"] is None  # personal data only on request
    assert check_file(complete_pdf).status is Status.VOLLSTAENDIG


def test_check_json_with_values(complete_pdf):
    data = json.loads(run("pruefen", complete_pdf, "--format", "json", "--mit-werten").output)
    assert data[0]["values"]["person1.name"] == "Hoxha"


def test_check_csv_for_excel(complete_pdf):
    out = run("pruefen", complete_pdf, "--format", "csv").output
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out[1:]), delimiter=";"))
    assert rows[0]["Status"] == "vollständig"
    assert rows[0]["Regierungsbezirk"] == "Detmold"
    assert "Hoxha" not in out


def test_rules_lists_catalogue(form):
    out = run("regeln").output
    for rule in form.rules:
        assert f"| {rule.id} |" in out
    assert "§ 58 Abs. 8 AufenthG" in out


def test_fields_lists_data_contract(form):
    out = run("felder").output
    for name in ("absender.behoerde", "person{n}.erkenntnisse", "beschluss_durchsuchung.status", "abschluss.signatur"):
        assert f"| `{name}` |" in out
    assert "beigefuegt, wird_mitgefuehrt, beantragt, nicht_erforderlich" in out
