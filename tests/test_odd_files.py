"""Valid but odd files are read as qpdf and pypdf read them: an update starting with a %PDF- line,
padding after %%EOF, junk before the header; separate documents glued together stay refused."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from vhpdf.batch.sources import Item
from vhpdf.batch.task import check_item
from vhpdf.check.result import Status
from vhpdf.read.errors import ErrorKind


@pytest.fixture(scope="module")
def complete_bytes(complete_pdf) -> bytes:
    return complete_pdf.read_bytes()


def verdict(data: bytes):
    return check_item(Item("datei.pdf", data=data))


def _repaired(result) -> bool:
    return any("repariert" in f.message for f in result.findings)


def update_with_header_line(data: bytes) -> bytes:
    """An empty incremental update whose section starts with `%PDF-1.7` (as PDFgear writes)."""
    trailer = data[data.rindex(b"trailer"):]
    size = re.search(rb"/Size\s+(\d+)", trailer).group(1)
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer).group(1)
    prev = re.findall(rb"startxref\s+(\d+)", data)[-1]
    head = data + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    return head + (b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size %s /Root %s /Prev %s >>\n"
                   b"startxref\n%d\n%%%%EOF\n" % (size, root, prev, len(head)))


def test_update_starting_with_a_pdf_header_line_is_one_document(complete_bytes, tmp_path):
    data = update_with_header_line(complete_bytes)
    assert re.search(rb"%%EOF\s*%PDF-", data)
    (tmp_path / "update.pdf").write_bytes(data)
    assert subprocess.run(["qpdf", "--check", str(tmp_path / "update.pdf")], capture_output=True).returncode == 0
    result = verdict(data)
    assert result.status is Status.VOLLSTAENDIG, result.error
    assert not _repaired(result)


def test_glued_documents_stay_refused_even_after_an_update(complete_bytes):
    data = update_with_header_line(complete_bytes) + complete_bytes
    result = verdict(data)
    assert result.status is Status.UNLESBAR and result.error_kind is ErrorKind.GLUED


@pytest.mark.parametrize("padding", [2048, 20480], ids=["2KB", "20KB"])
def test_nul_padding_after_eof_is_read(complete_bytes, padding):
    result = verdict(complete_bytes + b"\x00" * padding)
    assert result.status is Status.VOLLSTAENDIG, result.error
    assert not _repaired(result)


def test_padding_without_eof_is_still_truncated(complete_bytes):
    result = verdict(complete_bytes[:-2000] + b"\x00" * 20480)
    assert result.status is Status.UNLESBAR and result.error_kind is ErrorKind.TRUNCATED


@pytest.mark.parametrize("junk", [b"\x00", b"X-Mailer-Banner: gescannt\r\n" * 80], ids=["1byte", "2KB"])
def test_junk_before_the_header_is_read(complete_bytes, junk):
    result = verdict(junk + complete_bytes)
    assert result.status is Status.VOLLSTAENDIG, result.error


def _with_nested_extra(pdf: Path, tmp_path, depth: int) -> bytes:
    """The form with a `depth`-level nested dictionary written before the Behörde field's value
    (qpdf's QDF form keeps one object per text block; fix-qdf recomputes the offsets)."""
    qdf = tmp_path / f"q{depth}.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(qdf)], check=True)
    data = qdf.read_bytes()
    at = data.index(b"/T (behoerde)")
    start = data.rindex(b" obj\n<<", 0, at) + len(b" obj\n<<")
    nested = b"/Extra " + b"<< /X " * depth + b">> " * depth
    fixed = subprocess.run(["fix-qdf"], input=data[:start] + nested + data[start:], capture_output=True, check=True)
    return fixed.stdout


@pytest.mark.parametrize("depth", [200, 10_000])
def test_a_field_value_the_parser_cannot_reach_is_never_read_as_empty(complete_pdf, tmp_path, depth):
    result = verdict(_with_nested_extra(complete_pdf, tmp_path, depth))
    if depth == 200:  # pypdf reads this depth: the value is there
        assert result.status is Status.VOLLSTAENDIG, result.error
        return
    assert result.status is Status.UNLESBAR and result.error_kind is ErrorKind.DAMAGED
    assert result.error == ("Die PDF-Datei ist beschädigt: „Ersuchende Behörde (ABH/ZAB)“ (absender.behoerde) ist "
                            "fehlerhaft gespeichert, ein Wert darin ist nicht lesbar. Bitte die Datei neu anfordern.")
