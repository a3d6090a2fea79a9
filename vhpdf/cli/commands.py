"""The `vhpdf` command line: thin commands, each calling one library function.

Heavy modules (pypdf, reportlab) are imported inside the commands, so `vhpdf check` does not pay
for the generator and `vhpdf --help` pays for neither.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from vhpdf import __version__
from vhpdf.cli import german as cli_de
from vhpdf.form.messages import text
from vhpdf.report.output import OutputError, write_output

cli_de.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UsageProblem(click.ClickException):
    """An operator error (existing output, missing folder, nothing to check): exit status 2."""

    exit_code = 2


def _emit(report: str, output: Path | None, force: bool) -> None:
    if output is None:
        click.echo(report, nl=False)
        return
    try:
        write_output(output, report.encode("utf-8"), force)
    except OutputError as exc:
        raise UsageProblem(str(exc)) from None
    click.echo(text("cli.bericht_geschrieben", datei=output), err=True)


def _write_pdf(data: bytes, output: Path, force: bool) -> None:
    try:
        write_output(output, data, force)
    except OutputError as exc:
        raise UsageProblem(str(exc)) from None


_OUTPUT = click.option("-o", "--ausgabe", "output", type=click.Path(dir_okay=False, path_type=Path),
                       help="Ausgabedatei.")
_FORCE = click.option("--force", is_flag=True, help="Eine vorhandene Ausgabedatei überschreiben.")
_TIMEOUT = click.option("--timeout", type=click.FloatRange(0.1, 3600), default=30.0,
                        show_default=True, help="Zeitlimit je Datei in Sekunden.")
_MEMORY = click.option("--speicher", type=click.IntRange(64, 65536), default=1024,
                       show_default=True, help="Speichergrenze je Prüfprozess in MB.")
_PASSWORD = click.option("--passwort", envvar="VHPDF_PASSWORT", default=None, metavar="KENNWORT",
                         help="Kennwort für verschlüsselte PDF-Dateien (auch über VHPDF_PASSWORT; "
                              "ohne Angabe wird am Terminal danach gefragt).")


@click.group(context_settings=CONTEXT, options_metavar="[OPTIONEN]",
             subcommand_metavar="BEFEHL [ARGUMENTE]...")
@click.version_option(__version__, "-V", "--version", prog_name="vhpdf",
                      message="%(prog)s %(version)s", help="Version anzeigen.")
def cli() -> None:
    """Vollzugshilfeersuchen (NRW): Formular erzeugen, ausfüllen, auslesen und prüfen."""


@cli.command(options_metavar="[OPTIONEN]")
@click.option("-o", "--ausgabe", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("vollzugshilfeersuchen.pdf"), show_default=True, help="Ausgabedatei.")
@click.option("--personen", type=click.IntRange(1, 20), default=None,
              help="Anzahl der Personenblöcke (Standard 4).")
@_FORCE
def generate(output: Path, personen: int | None, force: bool) -> None:
    """Leeres, ausfüllbares Formular erzeugen."""
    from vhpdf.write.generate import generate as build

    _write_pdf(build(personen), output, force)
    click.echo(text("cli.formular_geschrieben", datei=output))


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("data", metavar="DATEN.json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_OUTPUT
@click.option("--personen", type=click.IntRange(1, 20), default=None,
              help="Mindestanzahl der Personenblöcke.")
@_FORCE
def fill(data: Path, output: Path | None, personen: int | None, force: bool) -> None:
    """Vorausgefülltes Formular aus einer JSON-Datei (Feldname → Wert) erzeugen."""
    from vhpdf.write.fill import FillError
    from vhpdf.write.generate import fill_form

    try:
        values = json.loads(data.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(text("cli.kein_json", datei=data, fehler=exc)) from None
    try:
        pdf = fill_form(values, personen)
    except FillError as exc:
        lines = "\n".join(text("cli.problem", problem=p) for p in exc.problems)
        raise click.ClickException(text("cli.daten_passen_nicht", datei=data, probleme=lines)) from None
    output = output or data.with_suffix(".pdf")
    _write_pdf(pdf, output, force)
    click.echo(text("cli.formular_geschrieben", datei=output))


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True, help="Ausgabeformat.")
@_OUTPUT
@_FORCE
@_PASSWORD
@_TIMEOUT
@_MEMORY
def extract(file: Path, fmt: str, output: Path | None, force: bool, passwort: str | None,
            timeout: float, speicher: int) -> None:
    """Die Werte eines ausgefüllten Formulars auslesen."""
    from vhpdf.batch.pool import IsolationError, Limits, call_isolated
    from vhpdf.read.errors import ExtractError
    from vhpdf.read.extract import extract as read
    from vhpdf.report.data import values_csv, values_json

    if output is not None and output.exists() and not force:
        raise UsageProblem(text("cli.existiert", datei=output))
    try:
        ex = call_isolated(read, file, password=passwort, limits=Limits(timeout, speicher))
    except (ExtractError, IsolationError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if fmt == "csv":
        report = values_csv(ex.values)
    else:
        meta = {"file": str(file), "form": {"id": ex.form_id, "version": ex.form_version},
                "source": ex.source, "sources": ex.sources, "uncertain": list(ex.uncertain),
                "notes": ex.notes}
        report = values_json(ex.values, meta)
    _emit(report, output, force)


def _ask_password(count: int) -> str | None:
    """Ask for the password of encrypted files, only where someone can answer."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    return click.prompt(text("cli.kennwort", anzahl=count), hide_input=True,
                        default="", show_default=False, err=True) or None


_SENDER = click.option("--absender", "sender", metavar="ADRESSE",
                       help="Absenderadresse für die .eml-Rückmeldungen (sonst ohne From-Zeile).")


def _write_replies(results, folder: Path, force: bool, sender: str | None) -> None:
    from vhpdf.report.reply import ReplyError, write_replies

    try:
        written = write_replies(results, folder, force, sender)
    except ReplyError as exc:
        raise UsageProblem(str(exc)) from None
    count = len(written) // 2
    click.echo(text("cli.rueckmeldungen_geschrieben", anzahl=count, ordner=folder)
               if count else text("cli.keine_rueckmeldung"), err=True)


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("paths", nargs=-1, required=True, metavar="PFAD...", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "html"]), default="table",
              show_default=True, help="Berichtsformat.")
@_OUTPUT
@click.option("--mit-werten", is_flag=True,
              help="Ausgelesene Werte (personenbezogene Daten) in den Bericht aufnehmen.")
@click.option("--ausfuehrlich", is_flag=True, help="Tabelle: jeden Befund mit Grundlage anzeigen.")
@click.option("--rueckmeldung", "reply_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="ORDNER",
              help="Für jedes unvollständige Ersuchen eine Rückmeldung an die ABH in diesen Ordner "
                   "schreiben (.txt und .eml; enthält Aktenzeichen und Kontaktdaten).")
@_SENDER
@_FORCE
@_PASSWORD
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Anzahl paralleler Prüfprozesse (Standard: Anzahl der Prozessorkerne).")
@_TIMEOUT
@_MEMORY
def check(paths: tuple[Path, ...], fmt: str, output: Path | None, mit_werten: bool,
          ausfuehrlich: bool, reply_dir: Path | None, sender: str | None, force: bool,
          passwort: str | None, jobs: int | None, timeout: float, speicher: int) -> None:
    """Ersuchen prüfen: PDF-Dateien, Ordner, E-Mails (.eml, .msg) und Postfächer (.mbox, Maildir).

    Jede Datei wird in einem eigenen Prüfprozess mit Zeitlimit und Speichergrenze gelesen.
    Exit-Status: 0 = alle aktuellen Ersuchen vollständig, 1 = mindestens eines unvollständig
    oder unlesbar, 2 = Bedienfehler.
    """
    from vhpdf.batch.pool import Limits
    from vhpdf.batch.run import NothingFound, check_all
    from vhpdf.check.result import Status
    from vhpdf.report.common import checked
    from vhpdf.report.data import render_csv, render_json
    from vhpdf.report.table import render_details, render_table

    if output is not None and output.exists() and not force:  # fail before the work, not after
        raise UsageProblem(text("cli.existiert", datei=output))
    try:
        results = check_all(paths, jobs=jobs, limits=Limits(timeout, speicher),
                            keep_values=mit_werten or reply_dir is not None, password=passwort,
                            ask_password=_ask_password, progress_stream=sys.stderr)
    except NothingFound as exc:
        raise UsageProblem(str(exc)) from None
    if fmt == "json":
        report = render_json(results, mit_werten)
    elif fmt == "csv":
        report = render_csv(results, mit_werten)
    elif fmt == "html":
        from vhpdf.report.html import render_html

        report = render_html(results, mit_werten)
    else:
        report = render_table(results, output is None and sys.stdout.isatty(), mit_werten)
        if ausfuehrlich:
            report += "\n" + render_details(results)
    if reply_dir is not None:
        _write_replies(results, reply_dir, force, sender)
    _emit(report, output, force)
    if any(r.status is not Status.VOLLSTAENDIG for r in checked(results) if not r.superseded_by):
        sys.exit(1)


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("paths", nargs=-1, required=True, metavar="PFAD...", type=click.Path(path_type=Path))
@click.option("-o", "--ausgabe", "folder", type=click.Path(file_okay=False, path_type=Path),
              metavar="ORDNER",
              default=Path("."), show_default=True, help="Ordner für die Rückmeldungen.")
@_SENDER
@_FORCE
def rueckmeldung(paths: tuple[Path, ...], folder: Path, sender: str | None, force: bool) -> None:
    """Für jedes unvollständige Ersuchen eine Rückmeldung an die ABH schreiben (.txt und .eml).

    Die Rückmeldung nennt Aktenzeichen, Datum und Kontaktdaten aus dem Ersuchen; sie wird nur
    geschrieben, nie versandt.
    """
    from vhpdf.batch.run import NothingFound, check_all

    try:
        results = check_all(paths, keep_values=True, ask_password=_ask_password,
                            progress_stream=sys.stderr)
    except NothingFound as exc:
        raise UsageProblem(str(exc)) from None
    _write_replies(results, folder, force, sender)


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option("-o", "--ausgabe", "output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Ausgabedatei (die Eingabedatei bleibt unverändert).")
@_FORCE
def druck(file: Path, output: Path, force: bool) -> None:
    """Druckfassung schreiben: jedes Feld neu gezeichnet aus seinem gespeicherten Wert."""
    from vhpdf.read.errors import ExtractError
    from vhpdf.write.druck import DruckError, print_file

    try:
        pdf = print_file(file)
    except ExtractError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    except DruckError as exc:
        lines = "\n".join(text("cli.problem", problem=p) for p in exc.problems)
        raise click.ClickException(text("cli.keine_druckfassung", datei=file, probleme=lines)) from None
    _write_pdf(pdf, output, force)
    click.echo(text("cli.druckfassung_geschrieben", datei=output))


@cli.command(options_metavar="[OPTIONEN]")
@click.argument("file", metavar="DATEI", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--ausgabe", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Ausgabedatei (Pflicht).")
@click.option("--pdfa", is_flag=True, help="Als PDF/A-2b ausgeben (benötigt Ghostscript).")
@_FORCE
def flatten(file: Path, output: Path, pdfa: bool, force: bool) -> None:
    """Werte fest in die Seiten einbrennen (für die Akte); Fußzeile bleibt erhalten."""
    from vhpdf.read.errors import ExtractError
    from vhpdf.read.files import read_file
    from vhpdf.write.flatten import FlattenError
    from vhpdf.write.flatten import flatten as burn

    if output.resolve() == file.resolve():
        raise click.ClickException(text("cli.ausgabe_ist_eingabe"))
    try:
        source = read_file(file)
        data, notes = burn(source, pdfa=pdfa)
    except (FlattenError, ExtractError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    _write_pdf(data, output, force)
    for note in notes:
        click.echo(text("cli.hinweis", hinweis=note), err=True)
    click.echo(text("cli.flach_geschrieben_pdfa" if pdfa else "cli.flach_geschrieben", datei=output))


@cli.command(options_metavar="[OPTIONEN]")
def rules() -> None:
    """Den Prüfregelkatalog als Tabelle (Markdown) ausgeben."""
    from vhpdf.form.definition import load_definition
    from vhpdf.report.catalogue import rules_markdown

    click.echo(rules_markdown(load_definition()), nl=False)


@cli.command(options_metavar="[OPTIONEN]")
def fields() -> None:
    """Die Felder des Formulars (Datenschnittstelle) als Tabelle (Markdown) ausgeben."""
    from vhpdf.form.definition import load_definition
    from vhpdf.report.catalogue import fields_markdown

    click.echo(fields_markdown(load_definition()), nl=False)


def main() -> None:
    """Run the CLI; whatever happens, the user sees a German sentence, never a traceback.

    These last-resort messages stay here, not in the catalogue: they must work even when
    forms/texte.toml itself is missing or broken.
    """
    try:
        cli(prog_name="vhpdf", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Abgebrochen.", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"Fehler: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Abgebrochen.", err=True)
        sys.exit(130)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug must not print personal data in a traceback
        click.echo(f"vhpdf: interner Fehler ({type(exc).__name__}); bitte melden.", err=True)
        sys.exit(3)
