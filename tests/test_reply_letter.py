"""The reply letter reads like a letter: header words decoded, greeting by surname (neutral when
the form of address is unknown), signed by the --absender KPB."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from mails import TZ, mail, write_mbox

from vhpdf.cli.commands import cli
from vhpdf.write.generate import fill_form


def _reply(tmp_path, values, sender="Ausländerbehörde Münster <abh@muenster.example>", *extra) -> str:
    box = write_mbox(tmp_path / "p.mbox", [mail(sender, "Ersuchen", dt.datetime(2026, 11, 2, 9, tzinfo=TZ),
                                                [("ersuchen.pdf", fill_form(values))])])
    result = CliRunner().invoke(cli, ["rueckmeldung", str(box), "-o", str(tmp_path / "r"), "--jobs", "1", *extra])
    assert result.exit_code == 0, result.output
    (txt,) = (tmp_path / "r").glob("*.txt")
    return txt.read_text(encoding="utf-8")


@pytest.mark.parametrize("name,greeting", [
    ("Frau Dr. Jana Beispiel", "Sehr geehrte Frau Dr. Beispiel,"),
    ("Herr Paul Beispiel", "Sehr geehrter Herr Beispiel,"),
    ("Jana Beispiel", "Guten Tag,"),
    (None, "Sehr geehrte Damen und Herren,"),
])
def test_greeting_by_surname(tmp_path, incomplete_values, name, greeting):
    letter = _reply(tmp_path, dict(incomplete_values, **{"sachbearbeitung.name": name}))
    assert f"\n{greeting}\n" in letter
    assert "Jana Beispiel," not in letter and "Paul Beispiel," not in letter


def test_header_words_decoded_and_signed_by_absender(tmp_path, incomplete_values):
    letter = _reply(tmp_path, incomplete_values, "Ausländerbehörde Münster <abh@muenster.example>",
                    "--absender", "KPB Münster <vollzugshilfe@polizei.example>")
    assert "E-Mail: Ausländerbehörde Münster <abh@muenster.example>" in letter
    assert "=?" not in letter
    assert letter.rstrip().endswith("Mit freundlichen Grüßen\nKPB Münster")


def test_signed_by_the_kpb_of_the_form_without_absender(tmp_path, incomplete_values):
    letter = _reply(tmp_path, incomplete_values)
    assert letter.rstrip().endswith("Mit freundlichen Grüßen\nKreispolizeibehörde Unna")


def test_contact_with_umlaut_is_written_plainly(tmp_path, incomplete_values):
    values = dict(incomplete_values, **{"sachbearbeitung.name": "Frau Jana Müller",
                                        "sachbearbeitung.email": "jana.mueller@unna.example"})
    letter = _reply(tmp_path, values)
    assert "E-Mail: Frau Jana Müller <jana.mueller@unna.example>" in letter and "=?" not in letter
    assert "\nSehr geehrte Frau Müller,\n" in letter
