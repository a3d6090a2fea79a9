"""The `vhpdf` command line: thin commands, each calling one library function.

Heavy modules (pypdf, reportlab) are imported inside the commands, so `vhpdf check` does not pay
for the generator and `vhpdf --help` pays for neither.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from vhpdf import __version__
from vhpdf.cli import german as cli_de
from vhpdf.form.messages import MessageError, text
from vhpdf.report.output import OutputError, open_output, write_output

cli_de.install()



def _help(key: str) -> str:
    """Help text from the catalogue, read at import: a broken catalogue must still let main() say so."""
    try:
        return text(key)
    except MessageError:
        return key


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


def _emit_stream(write: Callable[[TextIO], None], output: Path | None, force: bool) -> None:
    """A report written piece by piece: to the screen, or to `output` renamed only when complete."""
    if output is None:
        write(sys.stdout)
        return
    try:
        with open_output(output, force) as fh, io.TextIOWrapper(fh, encoding="utf-8", newline="") as out:
            write(out)
    except OutputError as exc:
        raise UsageProblem(str(exc)) from None
    click.echo(text("cli.bericht_geschrieben", datei=output), err=True)


def _emit_bytes(data: bytes, output: Path | None, force: bool) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        return
    _write_pdf(data, output, force)
    click.echo(text("cli.daten_geschrieben", datei=output), err=True)


def _write_pdf(data: bytes, output: Path, force: bool) -> None:
    try:
        write_output(output, data, force)
    except OutputError as exc:
        raise UsageProblem(str(exc)) from None


_OUTPUT = click.option("-o", "--ausgabe", "output", metavar="DATEI",
                       type=click.Path(dir_okay=False, path_type=Path),
                       help=_help("cli.hilfe_ausgabe"))
_FORCE = click.option("--force", is_flag=True, help=_help("cli.hilfe_force"))
_TIMEOUT = click.option("--timeout", metavar="SEKUNDEN", type=click.FloatRange(0.1, 3600), default=30.0,
                        show_default=True, help=_help("cli.hilfe_timeout"))
_MEMORY = click.option("--speicher", metavar="MB", type=click.IntRange(64, 65536), default=1024,
                       show_default=True, help=_help("cli.hilfe_speicher"))
_PASSWORD = click.option("--passwort", "passwords", multiple=True,
                         metavar="KENNWORT",
                         help=_help("cli.hilfe_passwort"))
_PASSWORD_FILE = click.option("--passwortdatei", "password_file", metavar="DATEI",
                              type=click.Path(dir_okay=False, path_type=Path),
                              help=_help("cli.hilfe_passwortdatei"))
_JOBS = click.option("-j", "--jobs", metavar="ANZAHL", type=click.IntRange(1, 256), default=None,
                     help=_help("cli.hilfe_jobs"))
_OWN_KPB = click.option("--kpb", "own_kpb", metavar="KPB",
                        help=_help("cli.hilfe_kpb"))
_INPUTS = click.argument("paths", nargs=-1, required=True, metavar="PFAD...",
                         type=click.Path(path_type=Path))


def _inputs(command):
    """The input options `pruefen` and `rueckmeldung` share: what is read and how."""
    for option in (_MEMORY, _TIMEOUT, _JOBS, _PASSWORD_FILE, _PASSWORD, _OWN_KPB, _INPUTS):
        command = option(command)
    return command


REPORT_FORMATS = ["table", "json", "csv", "html"]

# The former English command names: still accepted (scripts keep working), not listed in --help.
ALIASES = {"generate": "erzeugen", "fill": "ausfuellen", "extract": "auslesen", "check": "pruefen",
           "rules": "regeln", "fields": "felder", "flatten": "archivieren"}

EXIT_CODES = _help("cli.exit_status")


class _Group(click.Group):
    """German command names; the English ones of earlier versions resolve to them silently."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))


@click.group(cls=_Group, context_settings=CONTEXT, options_metavar="[OPTIONEN]",
             subcommand_metavar="BEFEHL [ARGUMENTE]...", epilog=EXIT_CODES, help=_help("cli.befehl_vhpdf"))
@click.version_option(__version__, "-V", "--version", prog_name="vhpdf",
                      message="%(prog)s %(version)s", help=_help("cli.hilfe_version"))
def cli() -> None:
    """The `vhpdf` program: its commands, German names, exit statuses."""


def _config():
    """The user's configuration file (see `vhpdf konfiguration`)."""
    from vhpdf.cli.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None


def _choice(value: str | None, configured: str | None, default: str, choices: list[str], option: str) -> str:
    chosen = value or configured or default
    if chosen not in choices:
        raise UsageProblem(text("cli.format_ungueltig", wert=chosen, option=option, erlaubt=", ".join(choices)))
    return chosen


def _must_exist(paths) -> None:
    """Named inputs that do not exist are an operator error (exit 2), found before any work."""
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise UsageProblem(text("cli.eingabe_fehlt", pfade=", ".join(missing)))


@cli.command("erzeugen", options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_erzeugen"))
@click.option("-o", "--ausgabe", "output", metavar="DATEI", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("vollzugshilfeersuchen.pdf"), show_default=True, help=_help("cli.hilfe_erzeugen_ausgabe"))
@click.option("--personen", metavar="ANZAHL", type=click.IntRange(1, 20), default=None,
              help=_help("cli.hilfe_erzeugen_personen"))
@_FORCE
def generate(output: Path, personen: int | None, force: bool) -> None:
    """Write the blank fillable form."""
    from vhpdf.write.generate import generate as build

    _write_pdf(build(personen), output, force)
    click.echo(text("cli.formular_geschrieben", datei=output))


def _problem_lines(problems) -> str:
    return "\n".join(text("cli.problem", problem=p) for p in problems)


def _fill_table(table: Path, output: Path | None, name: str, streng: bool, trotzdem: bool,
                force: bool) -> None:
    from vhpdf.read.exchange import DataFileError
    from vhpdf.report.prefill import PatternError, fill_table

    if output is None:
        raise UsageProblem(text("cli.csv_ohne_ordner"))
    try:
        reports = fill_table(table, output, name, streng, trotzdem, force)
    except PatternError as exc:
        raise UsageProblem(str(exc)) from None
    except DataFileError as exc:
        raise click.ClickException(text("cli.datei_fehler", datei=table, fehler=exc)) from None
    for r in reports:
        if r.problems or r.note:
            click.echo(text("cli.zeile_geschrieben", zeile=r.line, datei=r.file.name) if r.file
                       else text("cli.zeile_nicht_geschrieben", zeile=r.line), err=True)
            lines = [*(str(p) if p.refuses(streng) else text("bericht.warnung", warnung=p) for p in r.problems),
                     *([r.note] if r.note else [])]
            click.echo(_problem_lines(lines), err=True)
    written = sum(1 for r in reports if r.file)
    click.echo(text("cli.tabelle_geschrieben", geschrieben=written, anzahl=len(reports), ordner=output))
    if written < len(reports):
        sys.exit(1)


@cli.command("ausfuellen", options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_ausfuellen"))
@click.argument("data", metavar="[DATEN]", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--ausgabe", "output", metavar="DATEI|ORDNER", type=click.Path(path_type=Path),
              help=_help("cli.hilfe_ausfuellen_ausgabe"))
@click.option("--csv", "table", metavar="TABELLE.csv",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=_help("cli.hilfe_csv"))
@click.option("--name", default="ersuchen-{zeile}.pdf", show_default=True, metavar="MUSTER",
              help=_help("cli.hilfe_name"))
@click.option("--streng", is_flag=True,
              help=_help("cli.hilfe_streng"))
@click.option("--trotzdem", is_flag=True,
              help=_help("cli.hilfe_trotzdem"))
@click.option("--personen", metavar="ANZAHL", type=click.IntRange(1, 20), default=None,
              help=_help("cli.hilfe_ausfuellen_personen"))
@_FORCE
def fill(data: Path | None, output: Path | None, table: Path | None, name: str, streng: bool,
         trotzdem: bool, personen: int | None, force: bool) -> None:
    """Write a prefilled form from a data file (JSON, XFDF, FDF) or one row of a table; every value is checked first."""
    from vhpdf.read.exchange import DataFileError
    from vhpdf.report.prefill import fill_file
    from vhpdf.write.fill import FillError

    if (data is None) == (table is None):
        raise UsageProblem(text("cli.genau_eine_datendatei"))
    if table is not None:
        _fill_table(table, output, name, streng, trotzdem, force)
        return
    assert data is not None
    _must_exist([data])
    if data.suffix.lower() == ".csv":
        raise UsageProblem(text("cli.csv_ohne_option", datei=data))
    said: list[str] = []
    try:
        pdf, warnings = fill_file(data, personen, streng, said)
    except DataFileError as exc:
        raise click.ClickException(text("cli.datei_fehler", datei=data, fehler=exc)) from None
    except FillError as exc:
        raise click.ClickException(text("cli.daten_passen_nicht", datei=data,
                                        probleme=_problem_lines(exc.problems))) from None
    finally:
        for line in said:
            click.echo(text("cli.datei_fehler", datei=data, fehler=line), err=True)
    for warning in warnings:
        click.echo(text("bericht.warnung", warnung=warning), err=True)
    output = output or data.with_suffix(".pdf")
    _write_pdf(pdf, output, force)
    click.echo(text("cli.formular_geschrieben", datei=output))


@cli.command(options_metavar="[OPTIONEN]",
             help=_help("cli.befehl_schema"))
def schema() -> None:
    """Print the JSON Schema of the data contract."""
    from vhpdf.form.definition import load_definition
    from vhpdf.form.schema import build_schema

    click.echo(json.dumps(build_schema(load_definition()), ensure_ascii=False, indent=2))


@cli.command("auslesen", options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_auslesen"))
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xfdf", "fdf"]), default=None,
              help=_help("cli.hilfe_format_auslesen"))
@_OUTPUT
@_FORCE
@_PASSWORD
@_PASSWORD_FILE
@_TIMEOUT
@_MEMORY
def extract(file: Path, fmt: str, output: Path | None, force: bool, passwords: tuple[str, ...],
            password_file: Path | None, timeout: float, speicher: int) -> None:
    """Print the values of one filled form (read in an isolated worker)."""
    from vhpdf.batch.pool import IsolationError, Limits
    from vhpdf.read.errors import ExtractError
    from vhpdf.report.data import extraction_report

    _must_exist([file])
    fmt = _choice(fmt, _config().format_auslesen, "json", ["json", "csv", "xfdf", "fdf"], "format_auslesen")
    if output is not None and output.exists() and not force:
        raise UsageProblem(text("cli.existiert", datei=output))
    if fmt == "fdf" and output is None and sys.stdout.isatty():
        raise UsageProblem(text("cli.fdf_binaer"))
    try:  # read and written in the worker: this process never loads the reading code
        report = _isolated(extraction_report, file, passwords, password_file, Limits(timeout, speicher),
                           fmt=fmt)
    except (ExtractError, IsolationError) as exc:
        raise click.ClickException(text("cli.datei_fehler", datei=file, fehler=exc)) from None
    if isinstance(report, bytes):
        _emit_bytes(report, output, force)
    else:
        _emit(report, output, force)


def _isolated(func, file: Path, passwords: tuple[str, ...], password_file: Path | None, limits, **kwargs):
    """`func(file, password=…, **kwargs)` in an isolated worker under `limits`, each password in turn."""
    from vhpdf.batch.pool import call_isolated
    from vhpdf.read.errors import ErrorKind, ExtractError

    tries: list[str | None] = [*_passwords(passwords, password_file)] or [None]
    for n, password in enumerate(tries, 1):
        try:
            return call_isolated(func, file, password=password, limits=limits, **kwargs)
        except ExtractError as exc:
            if n < len(tries) and exc.kind is ErrorKind.ENCRYPTED:
                continue
            raise
    raise AssertionError("unreachable: the last try returns or raises")


def _ask_password(count: int) -> str | None:
    """Ask for the password of encrypted files, only where someone can answer."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    return click.prompt(text("cli.kennwort", anzahl=count), hide_input=True,
                        default="", show_default=False, err=True) or None


def _passwords(given: tuple[str, ...], password_file: Path | None) -> list[str]:
    """The passwords to try, in order: those given, then the file's lines (owner-only file)."""
    # VHPDF_PASSWORT is read here, not by click, which would split it at spaces
    out = [p for p in given if p] or [p for p in [os.environ.get("VHPDF_PASSWORT", "")] if p]
    if password_file is not None:
        from vhpdf.read.secrets import SecretFileError, read_password_file

        try:
            out += read_password_file(password_file)
        except SecretFileError as exc:
            raise UsageProblem(str(exc)) from None
    return out


_SENDER = click.option("--absender", "sender", metavar="ADRESSE",
                       help=_help("cli.hilfe_absender"))


def _reply_target(folder: Path, force: bool) -> None:
    """Refuse an existing reply folder before the run (with --force it is written into)."""
    if folder.exists() and not force:
        raise UsageProblem(text("cli.ordner_existiert", ordner=folder))


def _write_replies(results, folder: Path, force: bool, sender: str | None) -> None:
    from vhpdf.report.reply import ReplyError, write_replies

    config = _config()
    try:
        written = write_replies(results, folder, force, sender or config.absender, config.unterschrift)
    except ReplyError as exc:
        raise UsageProblem(str(exc)) from None
    count = len(written) // 2
    click.echo(text("cli.rueckmeldungen_geschrieben", anzahl=count, ordner=folder)
               if count else text("cli.keine_rueckmeldung"), err=True)

_ANCHORS = click.option("--vertrauensanker", "anchors", metavar="ZERTIFIKATE.pem",
                        type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                        help=_help("cli.hilfe_vertrauensanker"))


def _read_anchors(path: Path | None) -> bytes | None:
    from vhpdf.read.signature import AnchorError, load_anchors

    if path is None:
        return None
    try:
        return load_anchors(path.read_bytes(), str(path))
    except AnchorError as exc:
        raise UsageProblem(str(exc)) from None
    except OSError as exc:
        raise UsageProblem(text("cli.datei_nicht_lesbar", datei=path, grund=exc.strerror)) from None


def _own_kpb(name: str | None):
    """The own KPB from --kpb or the configuration (None when neither names one)."""
    from vhpdf.check.addressee import find_kpb
    from vhpdf.form.definition import load_definition

    name = name or _config().kpb
    if not name:
        return None
    form = load_definition()
    kpb = find_kpb(form, name)
    if kpb is None:
        raise UsageProblem(text("cli.kpb_unbekannt", kpb=name, beispiel=form.kpb[0].name))
    return kpb


def _check(paths, passwords, password_file, own_kpb, jobs, timeout, speicher, keep_values,
           anchors: Path | None = None):
    """Run the check over the inputs with the shared input options."""
    from vhpdf.batch.pool import Limits
    from vhpdf.batch.run import NothingFound, check_all

    _must_exist(paths)
    own = _own_kpb(own_kpb)
    tries = _passwords(passwords, password_file)
    try:
        return check_all(paths, jobs=jobs, limits=Limits(timeout, speicher), keep_values=keep_values,
                         passwords=tries, ask_password=_ask_password, progress_stream=sys.stderr,
                         own_kpb=own, anchors=_read_anchors(anchors))
    except NothingFound as exc:
        raise UsageProblem(str(exc)) from None


@cli.command("pruefen", options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_pruefen"))
@_inputs
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help=_help("cli.hilfe_format_pruefen"))
@_OUTPUT
@click.option("--mit-werten", is_flag=True,
              help=_help("cli.hilfe_mit_werten"))
@click.option("--ausfuehrlich", is_flag=True, help=_help("cli.hilfe_ausfuehrlich"))
@click.option("--rueckmeldung", "reply_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="ORDNER",
              help=_help("cli.hilfe_rueckmeldung"))
@_SENDER
@_FORCE
@_ANCHORS
def check(paths: tuple[Path, ...], fmt: str, output: Path | None, mit_werten: bool,
          ausfuehrlich: bool, reply_dir: Path | None, sender: str | None, force: bool,
          passwords: tuple[str, ...], password_file: Path | None, own_kpb: str | None,
          jobs: int | None, timeout: float, speicher: int, anchors: Path | None) -> None:
    """Check requests in files, folders, mails and mailboxes; exit 1 unless every current request is complete."""
    from vhpdf.check.result import Status
    from vhpdf.report.common import checked

    fmt = _choice(fmt, _config().format, "table", REPORT_FORMATS, "format")
    if output is not None and output.exists() and not force:  # fail before the work, not after
        raise UsageProblem(text("cli.existiert", datei=output))
    if reply_dir is not None:
        _reply_target(reply_dir, force)
    with _check(paths, passwords, password_file, own_kpb, jobs, timeout, speicher,
                keep_values=mit_werten or reply_dir is not None, anchors=anchors) as results:
        if reply_dir is not None:
            _write_replies(results, reply_dir, force, sender)
        _report(results, fmt, output, force, mit_werten, ausfuehrlich)
        rows = results.rows
    if any(r.status is not Status.VOLLSTAENDIG for r in checked(rows) if not r.superseded_by):
        sys.exit(1)


def _report(results, fmt: str, output: Path | None, force: bool, mit_werten: bool,
            ausfuehrlich: bool) -> None:
    """The check report; JSON, CSV and HTML written one result at a time (flat memory)."""
    if fmt == "json":
        from vhpdf.report.data import write_json

        _emit_stream(lambda out: write_json(results, out, mit_werten), output, force)
    elif fmt == "csv":
        from vhpdf.report.data import write_csv

        _emit_stream(lambda out: write_csv(results, out, mit_werten), output, force)
    elif fmt == "html":
        from vhpdf.report.html import write_html

        _emit_stream(lambda out: write_html(results, out, mit_werten, results.rows), output, force)
    else:
        from vhpdf.report.table import render_details, render_table

        everything = list(results)  # column widths need every row: the table is for a screen
        report = render_table(everything, output is None and sys.stdout.isatty(), mit_werten)
        if ausfuehrlich:
            report += "\n" + render_details(everything, mit_werten)
        _emit(report, output, force)


@cli.command(options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_rueckmeldung"))
@_inputs
@click.option("-o", "--ausgabe", "folder", type=click.Path(file_okay=False, path_type=Path),
              metavar="ORDNER", default=Path("rueckmeldungen"), show_default=True,
              help=_help("cli.hilfe_rueckmeldung_ordner"))
@_SENDER
@_FORCE
@_ANCHORS
def rueckmeldung(paths: tuple[Path, ...], folder: Path, sender: str | None, force: bool,
                 passwords: tuple[str, ...], password_file: Path | None, own_kpb: str | None,
                 jobs: int | None, timeout: float, speicher: int, anchors: Path | None) -> None:
    """Write a reply (.txt and .eml, never sent) for every incomplete request."""
    _reply_target(folder, force)
    with _check(paths, passwords, password_file, own_kpb, jobs, timeout, speicher, keep_values=True,
                anchors=anchors) as results:
        _write_replies(results, folder, force, sender)


def _copy_target(file: Path, output: Path, force: bool) -> None:
    """Before any work on a copy of `file`: the input exists, `output` is neither the input nor
    (without --force) an existing file."""
    _must_exist([file])
    _not_the_input(file, output)
    if output.exists() and not force:
        raise UsageProblem(text("cli.existiert", datei=output))


def _not_the_input(file: Path, output: Path) -> None:
    """Refuse an output that is the input itself (also through a link): inputs are never touched."""
    try:
        same = output.resolve() == file.resolve() or (output.exists() and os.path.samefile(output, file))
    except OSError:
        same = False
    if same:
        raise UsageProblem(text("cli.ausgabe_ist_eingabe"))


@cli.command(options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_druck"))
@click.argument("file", metavar="DATEI", type=click.Path(path_type=Path))
@click.option("-o", "--ausgabe", "output", metavar="DATEI", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help=_help("cli.hilfe_kopie_ausgabe"))
@_FORCE
@_PASSWORD
@_PASSWORD_FILE
@_TIMEOUT
@_MEMORY
def druck(file: Path, output: Path, force: bool, passwords: tuple[str, ...], password_file: Path | None,
          timeout: float, speicher: int) -> None:
    """Write a print copy whose fields are redrawn from their stored values."""
    from vhpdf.batch.pool import IsolationError, Limits
    from vhpdf.read.errors import ExtractError
    from vhpdf.write.druck import DruckError, print_file

    _copy_target(file, output, force)
    try:
        pdf = _isolated(print_file, file, passwords, password_file, Limits(timeout, speicher))
    except (ExtractError, IsolationError) as exc:
        raise click.ClickException(text("cli.datei_fehler", datei=file, fehler=exc)) from None
    except DruckError as exc:
        lines = "\n".join(text("cli.problem", problem=p) for p in exc.problems)
        raise click.ClickException(text("cli.keine_druckfassung", datei=file, probleme=lines)) from None
    _write_pdf(pdf, output, force)
    click.echo(text("cli.druckfassung_geschrieben", datei=output))


@cli.command("archivieren", options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_archivieren"))
@click.argument("file", metavar="DATEI", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--ausgabe", "output", metavar="DATEI", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help=_help("cli.hilfe_kopie_ausgabe"))
@click.option("--pdfa", is_flag=True, help=_help("cli.hilfe_pdfa"))
@_FORCE
@_PASSWORD
@_PASSWORD_FILE
@_TIMEOUT
@_MEMORY
def flatten(file: Path, output: Path, pdfa: bool, force: bool, passwords: tuple[str, ...],
            password_file: Path | None, timeout: float, speicher: int) -> None:
    """Burn the values into the pages (optionally PDF/A) for the file."""
    from vhpdf.batch.pool import IsolationError, Limits
    from vhpdf.read.errors import ExtractError
    from vhpdf.write.flatten import FlattenError, flatten_file, to_pdfa

    _copy_target(file, output, force)
    try:
        data, notes = _isolated(flatten_file, file, passwords, password_file, Limits(timeout, speicher))
        if pdfa:
            data = to_pdfa(data)
    except (FlattenError, ExtractError, IsolationError) as exc:
        raise click.ClickException(text("cli.datei_fehler", datei=file, fehler=exc)) from None
    _write_pdf(data, output, force)
    for note in notes:
        click.echo(text("cli.hinweis", hinweis=note), err=True)
    click.echo(text("cli.flach_geschrieben_pdfa" if pdfa else "cli.flach_geschrieben", datei=output))


@cli.command("signieren", options_metavar="[OPTIONEN]", epilog=EXIT_CODES,
             help=_help("cli.befehl_signieren"))
@click.argument("file", metavar="DATEI", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schluessel", "key", required=True, metavar="SCHLUESSEL.p12",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=_help("cli.hilfe_schluessel"))
@click.option("-o", "--ausgabe", "output", required=True, metavar="DATEI",
              type=click.Path(dir_okay=False, path_type=Path), help=_help("cli.hilfe_signiert_ausgabe"))
@_FORCE
def signieren(file: Path, key: Path, output: Path, force: bool) -> None:
    """Sign the form's signature field (PAdES B-B); the key's password never comes from the command line."""
    from vhpdf.write.sign import SigningError, sign_pdf

    _copy_target(file, output, force)
    password = os.environ.get("VHPDF_SCHLUESSEL_PASSWORT")
    if password is None:
        if not sys.stdin.isatty():
            raise UsageProblem(text("cli.schluessel_kennwort_fehlt"))
        password = click.prompt(text("cli.schluessel_kennwort"), hide_input=True, err=True)
    try:
        data = sign_pdf(file.read_bytes(), key.read_bytes(), password.encode("utf-8"))
    except SigningError as exc:
        raise click.ClickException(text("cli.datei_fehler", datei=file, fehler=exc)) from None
    _write_pdf(data, output, force)
    click.echo(text("cli.signiert_geschrieben", datei=output), err=True)


@cli.command("regeln", options_metavar="[OPTIONEN]",
             help=_help("cli.befehl_regeln"))
def rules() -> None:
    """Print the rule catalogue as a Markdown table."""
    from vhpdf.form.definition import load_definition
    from vhpdf.report.catalogue import rules_markdown

    click.echo(rules_markdown(load_definition()), nl=False)


@cli.command("felder", options_metavar="[OPTIONEN]",
             help=_help("cli.befehl_felder"))
def fields() -> None:
    """Print the form's fields (the data contract) as a Markdown table."""
    from vhpdf.form.definition import load_definition
    from vhpdf.report.catalogue import fields_markdown

    click.echo(fields_markdown(load_definition()), nl=False)


@cli.command(options_metavar="[OPTIONEN]",
             help=_help("cli.befehl_konfiguration"))
def konfiguration() -> None:
    """Show the configuration file's path and content."""
    from vhpdf.cli.config import KEYS, config_path

    path = config_path()
    click.echo(text("cli.konfiguration_datei", datei=path))
    config = _config()
    if not path.exists():
        click.echo(text("cli.konfiguration_fehlt"))
        click.echo(text("cli.konfiguration_beispiel"))
        return
    for key in KEYS:
        value = getattr(config, key)
        if value:
            click.echo(text("cli.konfiguration_wert_zeile", schluessel=key, wert=value))


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
