"""Findings about the printout, worth reading: one line per file for all fields that print other
than they store, a marker on the status, a short label for every rule; `druck` repairs it and
`archivieren` leaves the on-screen check button out."""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner
from fillers import fill_pdftk

from vhpdf.batch.sources import Item
from vhpdf.batch.task import check_item
from vhpdf.check.result import MISPRINT_RULE
from vhpdf.cli.commands import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pdftk_filled(tmp_path_factory, blank_pdf, complete_values):
    return fill_pdftk(blank_pdf, complete_values, tmp_path_factory.mktemp("pdftk") / "pdftk.pdf")


def test_misprints_are_one_finding_per_file(pdftk_filled):
    r = check_item(Item("pdftk.pdf", path=pdftk_filled))
    (drawn,) = [f for f in r.findings if f.rule == MISPRINT_RULE]
    assert len(drawn.fields) > 10 and r.misprints == drawn.fields
    assert drawn.message.startswith(f"{len(drawn.fields)} Felder drucken anders als gespeichert — "
                                    "Druckfassung mit „vhpdf druck")
    assert drawn.short == "Ausdruck weicht ab"
    assert all(f.short for f in r.findings), [f.rule for f in r.findings if not f.short]


def test_table_marks_an_unusable_printout_and_lists_it_once(pdftk_filled):
    result = run("pruefen", pdftk_filled, "--ausfuehrlich", "--jobs", "1")
    assert result.exit_code == 0, result.output
    row = result.output.splitlines()[1]
    assert row.startswith("✔ vollständig, Ausdruck unbrauchbar"), row
    assert "Ausdruck weicht ab" in row and MISPRINT_RULE not in result.output
    assert result.output.count("drucken anders als gespeichert") == 1


def test_druck_output_checks_clean(pdftk_filled, tmp_path):
    out = tmp_path / "druck.pdf"
    assert run("druck", pdftk_filled, "-o", out).exit_code == 0
    r = check_item(Item("druck.pdf", path=out))
    assert not r.misprints and not [f for f in r.findings if f.rule == MISPRINT_RULE]
    result = run("pruefen", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "Ausdruck" not in result.output


def test_vhpdf_filled_request_is_not_marked(complete_pdf):
    result = run("pruefen", complete_pdf, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "Ausdruck unbrauchbar" not in result.output


def test_archivieren_leaves_the_check_button_out(complete_pdf, tmp_path):
    flat = tmp_path / "akte.pdf"
    assert run("archivieren", complete_pdf, "-o", flat).exit_code == 0
    burnt = subprocess.run(["pdftotext", str(flat), "-"], capture_output=True, text=True, check=True)
    assert "Ersuchen" in burnt.stdout  # the page text and values are there …
    assert "Vollständigkeit prüfen" not in burnt.stdout  # … the on-screen button is not
