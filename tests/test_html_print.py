"""The HTML report as a clerk sees it: headless Chromium renders it at 1280 px (no sideways
scrolling) and prints it to PDF (A4 landscape, every column on the page, a page per request)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from vhpdf.cli.commands import cli
from vhpdf.report.html import headers

BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


def _chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory, complete_pdf):
    if BROWSER is None:
        pytest.skip("Chromium fehlt (bash tests/setup.sh installiert es, wo apt es anbietet)")
    folder = tmp_path_factory.mktemp("html")
    inbox = folder / "Posteingang"
    inbox.mkdir()
    shutil.copy(SAMPLES / "unvollstaendig.pdf", inbox)
    shutil.copy(complete_pdf, inbox / ("Ersuchen des Kreises Wesel mit einem sehr langen Dateinamen "
                                       "ohne jeden Umbruch_2026-11-30_Fassung-2.pdf"))
    out = folder / "bericht.html"
    result = CliRunner().invoke(cli, ["pruefen", str(inbox), "--format", "html", "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output  # one request is incomplete
    probe = _chromium("--version")
    if probe.returncode != 0:
        pytest.skip(f"Chromium startet nicht: {probe.stderr.strip()[:200]}")
    return out


def test_fits_a_1280_px_screen(report, tmp_path):
    shot = tmp_path / "bildschirm.png"
    assert _chromium("--window-size=1280,900", f"--screenshot={shot}", str(report)).returncode == 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text(encoding="utf-8").replace(
        "</body>", "<script>document.body.dataset.breite = document.documentElement.scrollWidth + '/' "
                   "+ window.innerWidth;</script></body>"), encoding="utf-8")
    dom = _chromium("--window-size=1280,900", "--dump-dom", str(probe))
    assert dom.returncode == 0, dom.stderr
    content, window = map(int, re.search(r'data-breite="(\d+)/(\d+)"', dom.stdout).groups())
    assert content <= window, f"seitwärts scrollen: Inhalt {content} px, Fenster {window} px"


def test_prints_every_column_on_a4_landscape(report, tmp_path):
    pdf = tmp_path / "bericht.pdf"
    printed = _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", str(report))
    assert printed.returncode == 0, printed.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595), "A4 quer"
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3, "Einzelheiten je Ersuchen auf eigener Seite"
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    flat = re.sub(r"\s+", "", first)
    missing = [h for h in headers() if re.sub(r"\s+", "", h) not in flat]
    assert not missing, f"Spalten fehlen im Ausdruck: {missing}"
    rest = subprocess.run(["pdftotext", "-f", "2", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    # every request's details start a page (the overview may run on, its header row repeated)
    assert any("Posteingang/" in page.lstrip().split("\n", 1)[0] for page in rest.split("\f")), \
        "eine Seite beginnt mit dem Ersuchen"
