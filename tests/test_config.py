"""The user's configuration file: own KPB (--kpb overrides), reply sender and signature, default
formats; requests addressed to another KPB get a warning."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from vhpdf.cli.commands import cli


def run(tmp_path, *args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False,
                              env={"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)})


def configure(tmp_path, text: str):
    path = tmp_path / "cfg" / "vhpdf" / "konfiguration.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_konfiguration_shows_path_and_example_then_values(tmp_path):
    result = run(tmp_path, "konfiguration")
    assert result.exit_code == 0, result.output
    path = tmp_path / "cfg" / "vhpdf" / "konfiguration.toml"
    assert f"Konfigurationsdatei: {path}" in result.output and "noch nicht angelegt" in result.output
    configure(tmp_path, 'kpb = "Unna"\nformat = "csv"\n')
    result = run(tmp_path, "konfiguration")
    assert result.exit_code == 0 and "  kpb = Unna" in result.output and "  format = csv" in result.output


OTHER = "an Polizeipräsidium Bielefeld gerichtet"  # samples/vollstaendig.pdf goes to Bielefeld


def test_request_to_another_kpb_is_a_warning(tmp_path):
    configure(tmp_path, 'kpb = "Kreispolizeibehörde Unna"\n')
    result = run(tmp_path, "pruefen", SAMPLES / "vollstaendig.pdf", "--ausfuehrlich", "--jobs", "1")
    assert result.exit_code == 0, result.output  # still complete: forwarded, not sent back
    assert OTHER in result.output.splitlines()[1]  # the table's short label
    assert "nicht an die eigene KPB (Kreispolizeibehörde Unna)" in result.output


@pytest.mark.parametrize("own", ["PP Bielefeld", "Bielefeld", "Polizeipräsidium Bielefeld"])
def test_request_to_the_own_kpb_is_clean_and_kpb_overrides(tmp_path, own):
    configure(tmp_path, 'kpb = "Unna"\n')
    result = run(tmp_path, "pruefen", SAMPLES / "vollstaendig.pdf", "--kpb", own, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "gerichtet" not in result.output


def test_unknown_kpb_and_broken_config_are_operator_errors(tmp_path):
    result = run(tmp_path, "pruefen", SAMPLES / "vollstaendig.pdf", "--kpb", "Atlantis")
    assert result.exit_code == 2 and "Unbekannte KPB „Atlantis“" in result.output
    path = configure(tmp_path, 'kpb = "Unna"\nfarbe = "blau"\n')
    result = run(tmp_path, "pruefen", SAMPLES / "vollstaendig.pdf")
    assert result.exit_code == 2 and f"{path}: Unbekannte Einstellung(en) farbe" in result.output
    configure(tmp_path, 'kpb = \n')
    result = run(tmp_path, "pruefen", SAMPLES / "vollstaendig.pdf")
    assert result.exit_code == 2 and "Die Konfigurationsdatei ist nicht lesbar" in result.output


def test_default_formats_from_config(tmp_path):
    configure(tmp_path, 'format = "json"\nformat_auslesen = "csv"\n')
    result = run(tmp_path, "pruefen", SAMPLES / "vollstaendig.pdf", "--jobs", "1")
    assert result.exit_code == 0 and json.loads(result.output)[0]["status"] == "vollständig"
    result = run(tmp_path, "auslesen", SAMPLES / "vollstaendig.pdf")
    assert result.exit_code == 0 and not result.output.startswith("{") and ";" in result.output
    assert run(tmp_path, "pruefen", SAMPLES / "vollstaendig.pdf", "--format", "table").output.startswith("Status")


def test_reply_sender_and_signature_from_config(tmp_path):
    configure(tmp_path, 'absender = "KPB Unna <vollzugshilfe@polizei.example>"\n'
                        'unterschrift = "Kreispolizeibehörde Unna, Direktion GE"\n')
    result = run(tmp_path, "rueckmeldung", SAMPLES / "unvollstaendig.pdf", "-o", tmp_path / "r", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (eml,) = (tmp_path / "r").glob("*.eml")
    assert b"From: KPB Unna <vollzugshilfe@polizei.example>" in eml.read_bytes()
    (txt,) = (tmp_path / "r").glob("*.txt")
    letter = txt.read_text(encoding="utf-8").rstrip()
    assert letter.endswith("Mit freundlichen Grüßen\nKreispolizeibehörde Unna, Direktion GE")
