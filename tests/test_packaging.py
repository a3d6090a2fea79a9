"""`pip install .` ships every subpackage and the form definition (forms/ as vhpdf._forms)."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_setup_cfg_lists_every_package_and_the_forms():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(cfg["options"]["packages"].split())
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "vhpdf").rglob("__init__.py")}
    assert listed == found | {"vhpdf._forms"}
    assert "vhpdf._forms = forms" in cfg["options"]["package_dir"]
    assert (ROOT / "forms" / "vollzugshilfeersuchen.toml").is_file()
