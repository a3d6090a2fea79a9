"""Shared fixtures: real PDFs made by vhpdf, filled by real programs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vhpdf.form.definition import load_definition
from vhpdf.write.generate import fill_form, generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session", autouse=True)
def no_user_config(tmp_path_factory):
    """The tester's own ~/.config/vhpdf (own KPB, default format) must not change a result, nor
    may the tests fill the tester's ~/.cache/vhpdf with the forms they edit."""
    import os

    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg-config"))
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def form():
    return load_definition()


@pytest.fixture(scope="session")
def complete_values() -> dict:
    return json.loads((SAMPLES / "vollstaendig.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def incomplete_values() -> dict:
    return json.loads((SAMPLES / "unvollstaendig.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def blank_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "leer.pdf"
    path.write_bytes(generate())
    return path


@pytest.fixture(scope="session")
def complete_pdf(tmp_path_factory, complete_values) -> Path:
    path = tmp_path_factory.mktemp("complete") / "vollstaendig.pdf"
    path.write_bytes(fill_form(complete_values))
    return path
