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

from . import __version__
from .output import OutputError, write_output

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UsageProblem(click.ClickException):
    """An operator error (existing output, missing folder, nothing to check): exit status 2."""

    exit_code = 2


def _emit(text: str, output: Path | None, force: bool) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_output(output, text.encode("utf-8"), force)
    except OutputError as exc:
        raise UsageProblem(str(exc)) from None
    click.echo(f"Bericht geschrieben: {output}", err=True)


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


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="vhpdf",
                      message="%(prog)s %(version)s", help="Version anzeigen.")
def cli() -> None:
    """Vollzugshilfeersuchen (NRW): Formular erzeugen, ausfüllen, auslesen und prüfen."""


@cli.command()
@click.option("-o", "--ausgabe", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("vollzugshilfeersuchen.pdf"), show_default=True, help="Ausgabedatei.")
@click.option("--personen", type=click.IntRange(1, 20), default=None,
              help="Anzahl der Personenblöcke (Standard 4).")
@_FORCE
def generate(output: Path, personen: int | None, force: bool) -> None:
    """Leeres, ausfüllbares Formular erzeugen."""
    from .generate import generate as build

    _write_pdf(build(personen), output, force)
    click.echo(f"Formular geschrieben: {output}")


@cli.command()
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_OUTPUT
@click.option("--personen", type=click.IntRange(1, 20), default=None,
              help="Mindestanzahl der Personenblöcke.")
@_FORCE
def fill(data: Path, output: Path | None, personen: int | None, force: bool) -> None:
    """Vorausgefülltes Formular aus einer JSON-Datei (Feldname → Wert) erzeugen."""
    from .fill import FillError
    from .generate import fill_form

    try:
        values = json.loads(data.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"{data}: keine gültige JSON-Datei ({exc}).") from None
    try:
        pdf = fill_form(values, personen)
    except FillError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        raise click.ClickException(f"{data}: Die Daten passen nicht zum Formular:\n{lines}") from None
    output = output or data.with_suffix(".pdf")
    _write_pdf(pdf, output, force)
    click.echo(f"Formular geschrieben: {output}")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
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
    from .extract import ExtractError, extract as read
    from .report import values_csv, values_json
    from .runner import IsolationError, Limits, call_isolated

    if output is not None and output.exists() and not force:
        raise UsageProblem(f"{output}: Die Datei existiert bereits (mit --force überschreiben).")
    try:
        ex = call_isolated(read, file, password=passwort, limits=Limits(timeout, speicher))
    except (ExtractError, IsolationError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if fmt == "csv":
        text = values_csv(ex.values)
    else:
        meta = {"file": str(file), "form": {"id": ex.form_id, "version": ex.form_version},
                "source": ex.source, "notes": ex.notes}
        text = values_json(ex.values, meta)
    _emit(text, output, force)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Berichtsformat.")
@_OUTPUT
@click.option("--mit-werten", is_flag=True,
              help="Ausgelesene Werte (personenbezogene Daten) in den Bericht aufnehmen (nur json).")
@_FORCE
@_PASSWORD
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Anzahl paralleler Prüfprozesse (Standard: Anzahl der Prozessorkerne).")
@_TIMEOUT
@_MEMORY
def check(paths: tuple[Path, ...], fmt: str, output: Path | None, mit_werten: bool,
          force: bool, passwort: str | None, jobs: int | None, timeout: float,
          speicher: int) -> None:
    """Ersuchen auf Vollständigkeit und Plausibilität prüfen (Dateien und Ordner).

    Jede Datei wird in einem eigenen Prüfprozess mit Zeitlimit und Speichergrenze gelesen.
    Exit-Status: 0 = alle vollständig, 1 = mindestens eines unvollständig oder unlesbar,
    2 = Bedienfehler.
    """
    from .check import Status, expand_paths
    from .report import render_csv, render_json, render_table
    from .runner import Limits, Progress, run

    if output is not None and output.exists() and not force:  # fail before the work, not after
        raise UsageProblem(f"{output}: Die Datei existiert bereits (mit --force überschreiben).")
    items = list(expand_paths(paths))
    if not items:
        raise UsageProblem("Keine PDF-Dateien gefunden.")
    limits = Limits(timeout, speicher)
    options = {"keep_values": mit_werten, "password": passwort}
    progress = Progress(len(items)) if Progress.wanted(sys.stderr) else None
    try:
        results = list(run(items, jobs=jobs, limits=limits, options=options, progress=progress))
    finally:
        if progress is not None:
            progress.close()
    locked = [i for i, r in enumerate(results) if r.error_kind == "EncryptedError"]
    if locked and passwort is None and sys.stdin.isatty() and sys.stderr.isatty():
        passwort = click.prompt(f"{len(locked)} Datei(en) verschlüsselt – Kennwort",
                                hide_input=True, default="", show_default=False, err=True)
        if passwort:
            again = run([items[i] for i in locked], jobs=jobs, limits=limits,
                        options={**options, "password": passwort})
            for i, result in zip(locked, again):
                results[i] = result
    if fmt == "json":
        text = render_json(results)
    elif fmt == "csv":
        text = render_csv(results)
    else:
        text = render_table(results, color=output is None and sys.stdout.isatty())
    _emit(text, output, force)
    if any(r.status is not Status.VOLLSTAENDIG for r in results):
        sys.exit(1)


@cli.command()
def rules() -> None:
    """Den Prüfregelkatalog als Tabelle (Markdown) ausgeben."""
    from .definition import load_definition
    from .report import rules_markdown

    click.echo(rules_markdown(load_definition()), nl=False)


def main() -> None:
    """Run the CLI; whatever happens, the user sees a German sentence, never a traceback."""
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
