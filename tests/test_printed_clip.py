"""A printed copy of a pdf.js fill whose value is longer than its box: pdf.js neither shrinks nor
wraps it, the box clips it on paper, and the glyphs past the box lie over the next field. The
overflow belongs to the field whose text run it is part of, never to the neighbour."""

from __future__ import annotations

import subprocess

from viewers import fill_pdfjs

from vhpdf.batch.sources import Item
from vhpdf.batch.task import check_item
from vhpdf.check.result import Status
from vhpdf.read.source import ValueSource

# A single-line field with a neighbour to its right (the requesting authority has two lines
# since form 1.1, so pdf.js wraps it).
LONG_NAME = "Hoxha-Krasniqi-Berisha-Gashi-Shala-Morina-Bytyqi-Kelmendi-Rexhepi"


def test_overlong_pdfjs_value_printed_to_pdf(blank_pdf, complete_values, tmp_path):
    values = dict(complete_values, **{"person1.name": LONG_NAME})
    filled = fill_pdfjs(blank_pdf, values, tmp_path / "pdfjs.pdf")
    copy = tmp_path / "kopie.pdf"
    subprocess.run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite",
                    f"-sOutputFile={copy}", str(filled)], check=True, capture_output=True)
    result = check_item(Item(str(copy), path=copy), keep_values=True)
    assert result.source is ValueSource.SEITENTEXT and result.values is not None
    assert result.values["person1.vorname"] == complete_values["person1.vorname"]
    # the paper shows the name cut off: what is read is marked, never taken as certain
    assert result.values["person1.name"] != LONG_NAME
    unsure = {f.fields for f in result.findings if f.rule == "unsicher"}
    assert ("person1.name",) in unsure and ("person1.vorname",) not in unsure
    messages = " ".join(f.message for f in result.findings)
    assert "Familienname: Der Text läuft über das Feld hinaus" in messages
    assert "fehlerhaft kodiert" not in messages
    assert result.status is Status.VOLLSTAENDIG  # all that is required is there, the doubt is a warning
