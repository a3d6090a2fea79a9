"""The shipped samples are what their JSON says, and get the documented verdicts."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES

from vhpdf.batch.task import check_file
from vhpdf.check.result import Status
from vhpdf.read.extract import extract


@pytest.mark.parametrize("name, status", [("vollstaendig", Status.VOLLSTAENDIG),
                                          ("unvollstaendig", Status.UNVOLLSTAENDIG)])
def test_sample_pdf_matches_its_json(form, name, status):
    data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    ex = extract(SAMPLES / f"{name}.pdf")
    assert ex.form_version == form.version, "samples/*.pdf veraltet: vhpdf fill neu ausführen"
    for key, value in data.items():
        assert ex.values[key] == value, key
    assert check_file(SAMPLES / f"{name}.pdf").status is status
