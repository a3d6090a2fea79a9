"""One language on the command line: German names, the former English names as hidden aliases,
German placeholders, one exit status for missing inputs, and several passwords tried in turn."""

from __future__ import annotations

import json
import re

import corpus
import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from vhpdf.cli.commands import ALIASES, cli
from vhpdf.write.generate import fill_form


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def _cases(tmp_path, complete_pdf):
    """Per command: arguments for one real run and the exit status it must end with."""
    return {
        "erzeugen": (["-o", tmp_path / "leer.pdf"], 0),
        "ausfuellen": ([SAMPLES / "vollstaendig.json", "-o", tmp_path / "voll.pdf"], 0),
        "auslesen": ([complete_pdf], 0),
        "pruefen": ([complete_pdf, "--jobs", "1"], 0),
        "regeln": ([], 0),
        "felder": ([], 0),
        "archivieren": ([complete_pdf, "-o", tmp_path / "flach.pdf"], 0),
        "druck": ([complete_pdf, "-o", tmp_path / "druck.pdf"], 0),
        "rueckmeldung": ([SAMPLES / "unvollstaendig.pdf", "-o", tmp_path / "antworten", "--jobs", "1"], 0),
        "konfiguration": ([], 0),
    }


GERMAN = {"erzeugen", "ausfuellen", "auslesen", "pruefen", "regeln", "felder", "archivieren", "druck",
          "rueckmeldung", "konfiguration"}


def test_listed_commands_are_the_german_ones():
    result = run("--help")
    assert result.exit_code == 0, result.output
    listed = set(re.findall(r"^  ([a-z]+)  ", result.output.split("Befehle:")[1], re.M))
    assert listed >= GERMAN
    assert not listed & set(ALIASES), "englische Namen sind Aliasse und stehen nicht in der Hilfe"
    assert "Exit-Status" in result.output


@pytest.mark.parametrize("alias", [False, True], ids=["deutsch", "alias"])
def test_every_command_runs_under_its_name_and_alias(tmp_path, complete_pdf, alias):
    english = {v: k for k, v in ALIASES.items()}
    for name, (args, code) in _cases(tmp_path, complete_pdf).items():
        called = english.get(name, name) if alias else name
        for p in tmp_path.iterdir():  # each run writes afresh
            if p.is_file():
                p.unlink()
        result = run(called, *args)
        assert result.exit_code == code, (called, result.output)
    assert set(_cases(tmp_path, complete_pdf)) == GERMAN


def test_alias_runs_the_same_command(complete_pdf):
    german, english = run("auslesen", complete_pdf), run("extract", complete_pdf)
    assert german.exit_code == english.exit_code == 0
    assert json.loads(german.output) == json.loads(english.output)


@pytest.mark.parametrize("command", sorted(GERMAN) + [None])
def test_help_has_no_english_placeholder(command):
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0, result.output
    english = re.findall(r"\b(INTEGER|FLOAT|RANGE|TEXT|PATH|FILE|DIRECTORY|BOOLEAN|Usage|Options|"
                         r"default|required|Show this)\b", result.output)
    assert not english, (command, english, result.output)


def test_command_help_comes_from_the_catalogue_and_docstrings_are_english():
    """What `--help` says of a command is German text in forms/texte.toml (cli.befehl_NAME); the
    docstring beside the code is English, for developers."""
    from test_messages import GERMAN as GERMAN_WORDS

    from vhpdf.form.messages import text

    for name, command in [("vhpdf", cli), *cli.commands.items()]:
        assert command.help == text(f"cli.befehl_{name}"), name
        assert not GERMAN_WORDS.search(command.callback.__doc__), (name, command.callback.__doc__)
    result = run("pruefen", "--help")
    assert result.exit_code == 0, result.output
    assert text("cli.befehl_pruefen").split("\n")[0] in " ".join(result.output.split())  # rewrapped


@pytest.mark.parametrize("command", ["pruefen", "auslesen", "druck", "archivieren", "ausfuellen",
                                     "rueckmeldung"])
def test_missing_input_is_an_operator_error(tmp_path, command):
    missing = tmp_path / "vertippt.pdf"
    result = run(command, missing, "-o", tmp_path / "ausgabe")
    assert result.exit_code == 2, result.output
    assert f"Nicht gefunden: {missing}" in result.output


def test_empty_folder_and_missing_path_exit_alike(tmp_path):
    (tmp_path / "leer").mkdir()
    assert run("pruefen", tmp_path / "leer").exit_code == run("pruefen", tmp_path / "fehlt").exit_code == 2


@pytest.fixture(scope="module")
def two_encrypted(tmp_path_factory, complete_values, incomplete_values):
    folder = tmp_path_factory.mktemp("verschluesselt")
    (folder / "a.pdf").write_bytes(corpus.encrypt(fill_form(complete_values), "AES-256", user="erstes"))
    (folder / "b.pdf").write_bytes(corpus.encrypt(fill_form(incomplete_values), "AES-256", user="zweites"))
    return folder


def _statuses(result) -> list[str]:
    return sorted(r["status"] for r in json.loads(result.output))


def test_several_passwords_tried_in_turn(two_encrypted):
    result = run("pruefen", two_encrypted, "--format", "json", "--jobs", "1",
                 "--passwort", "falsch", "--passwort", "erstes", "--passwort", "zweites")
    assert result.exit_code == 1, result.output
    assert _statuses(result) == ["unvollständig", "vollständig"]
    assert "erstes" not in result.output and "zweites" not in result.output


def test_password_file_owner_only(tmp_path, two_encrypted):
    secrets = tmp_path / "kennwoerter.txt"
    secrets.write_text("erstes\nzweites\n", encoding="utf-8")
    secrets.chmod(0o644)
    result = run("pruefen", two_encrypted, "--passwortdatei", secrets, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert "chmod 600" in result.output and "erstes" not in result.output
    secrets.chmod(0o600)
    result = run("pruefen", two_encrypted, "--passwortdatei", secrets, "--format", "json", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert _statuses(result) == ["unvollständig", "vollständig"]


def test_password_from_environment_keeps_spaces_and_reaches_rueckmeldung(tmp_path, incomplete_values):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "e.pdf").write_bytes(
        corpus.encrypt(fill_form(incomplete_values), "AES-256", user="mit leer zeichen"))
    result = run("rueckmeldung", tmp_path / "in", "-o", tmp_path / "r", "--jobs", "1",
                 env={"VHPDF_PASSWORT": "mit leer zeichen"})
    assert result.exit_code == 0, result.output
    assert "1 Rückmeldung(en) geschrieben" in result.output
