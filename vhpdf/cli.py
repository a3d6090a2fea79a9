"""The `vhpdf` command line: thin commands, each calling one library function.

Heavy modules (pypdf, reportlab) are imported inside the commands, so `vhpdf check` does not pay
for the generator and `vhpdf --help` pays for neither.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .output import OutputError, write_output

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _emit(text: str, output: Path | None, force: bool) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_output(output, text.encode("utf-8"), force)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Bericht geschrieben: {output}", err=True)


def _write_pdf(data: bytes, output: Path, force: bool) -> None:
    try:
        write_output(output, data, force)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None


_OUTPUT = click.option("-o", "--ausgabe", "output", type=click.Path(dir_okay=False, path_type=Path),
                       help="Ausgabedatei.")
_FORCE = click.option("--force", is_flag=True, help="Eine vorhandene Ausgabedatei überschreiben.")


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
def extract(file: Path, fmt: str, output: Path | None, force: bool) -> None:
    """Die Werte eines ausgefüllten Formulars auslesen."""
    from .extract import ExtractError, extract as read
    from .report import values_csv, values_json

    try:
        ex = read(file)
    except ExtractError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if fmt == "csv":
        text = values_csv(ex.values)
    else:
        meta = {"file": str(file), "form": {"id": ex.form_id, "version": ex.form_version},
                "source": ex.source, "sources": ex.sources, "uncertain": list(ex.uncertain),
                "notes": ex.notes}
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
def check(paths: tuple[Path, ...], fmt: str, output: Path | None, mit_werten: bool,
          force: bool) -> None:
    """Ersuchen auf Vollständigkeit und Plausibilität prüfen (Dateien und Ordner).

    Exit-Status: 0 = alle vollständig, 1 = mindestens eines unvollständig oder unlesbar.
    """
    from .check import Status, check_paths
    from .report import render_csv, render_json, render_table

    results = check_paths(paths, keep_values=mit_werten)
    if not results:
        raise click.ClickException("Keine PDF-Dateien gefunden.")
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
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--ausgabe", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Ausgabedatei (Pflicht).")
@click.option("--pdfa", is_flag=True, help="Als PDF/A-2b ausgeben (benötigt Ghostscript).")
@_FORCE
def flatten(file: Path, output: Path, pdfa: bool, force: bool) -> None:
    """Werte fest in die Seiten einbrennen (für die Akte); Fußzeile bleibt erhalten."""
    from .extract import ExtractError
    from .flatten import FlattenError, flatten as burn, flatten_notes

    if output.resolve() == file.resolve():
        raise click.ClickException("Die Ausgabedatei darf nicht die Eingabedatei sein.")
    try:
        source = file.read_bytes()
        data = burn(source, pdfa=pdfa)
        notes = flatten_notes(source)
    except (FlattenError, ExtractError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    _write_pdf(data, output, force)
    for note in notes:
        click.echo(f"Hinweis: {note}", err=True)
    click.echo(f"Flache Fassung geschrieben: {output}" + (" (PDF/A-2b)" if pdfa else ""))


@cli.command()
def rules() -> None:
    """Den Prüfregelkatalog als Tabelle (Markdown) ausgeben."""
    from .definition import load_definition
    from .report import rules_markdown

    click.echo(rules_markdown(load_definition()), nl=False)


def main() -> None:
    cli(prog_name="vhpdf")
