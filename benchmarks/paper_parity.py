#!/usr/bin/env python3
"""Parity of the page reader: what `read_pdf` reads from printed copies, compared with a saved run.

The benchmark's --parity covers filled requests; this covers copies without fields, read from
their page text. It makes N different requests (a third each filled by vhpdf, PyMuPDF and pdftk,
as bench_check does) and two with long values that other fillers clip, prints each by every
copier the tests use (Ghostscript, Ghostscript to US Letter, pdftocairo, pdftk flatten, PyMuPDF
bake, mutool convert) and flattens it with vhpdf, then reads every copy and compares values,
sources, doubts, notes and errors file by file with a saved run (written if absent).

Usage, before and after a change to vhpdf/read/paper:
  git archive main | tar -x -C /tmp/alt
  python3 benchmarks/paper_parity.py --dir /tmp/kopien --saved /tmp/paritaet.json --code /tmp/alt
  python3 benchmarks/paper_parity.py --dir /tmp/kopien --saved /tmp/paritaet.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

READ = r"""
import dataclasses, enum, json, sys
from pathlib import Path
from vhpdf.form.definition import load_definition
from vhpdf.read.errors import ExtractError
from vhpdf.read.extract import read_pdf

def plain(o):
    if dataclasses.is_dataclass(o):
        return {f.name: plain(getattr(o, f.name)) for f in dataclasses.fields(o)}
    if isinstance(o, enum.Enum):
        return o.value
    if isinstance(o, dict):
        return {str(k): plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple, set)):
        return [plain(v) for v in (sorted(o, key=str) if isinstance(o, set) else o)]
    return o if isinstance(o, (str, int, float, bool, type(None))) else repr(o)

form, out = load_definition(), {}
for f in sorted(Path(sys.argv[1]).glob("*.pdf")):
    try:
        out[f.name] = plain(read_pdf(f.read_bytes(), form))
    except ExtractError as exc:
        out[f.name] = {"error": type(exc).__name__, "message": str(exc)}
print(json.dumps(out, ensure_ascii=False))
"""


def make_copies(folder: Path, n: int) -> list[Path]:
    """Printed copies of n different requests and of two with clipped long values (reused)."""
    from bench_check import make_corpus
    from fillers import fill_pdftk, fill_pymupdf
    from test_paper import COPIERS, LONG, copy_mutool

    from vhpdf.write.flatten import flatten
    from vhpdf.write.generate import generate

    copies = folder / "kopien"
    if copies.is_dir() and any(copies.glob("*.pdf")):
        return sorted(copies.glob("*.pdf"))
    requests = folder / "ersuchen"
    requests.mkdir(parents=True, exist_ok=True)
    if not any(requests.glob("ersuchen-*.pdf")):
        make_corpus(requests, n, None)
    blank = requests / "leer.pdf"
    blank.write_bytes(generate())
    values = json.loads((ROOT / "samples" / "vollstaendig.json").read_text(encoding="utf-8"))
    sources = sorted(requests.glob("ersuchen-*.pdf"))
    for name, fill in (("lang-pdftk", fill_pdftk), ("lang-pymupdf", fill_pymupdf)):
        sources.append(fill(blank, dict(values, **LONG), requests / f"{name}.pdf"))
    copies.mkdir()
    copiers = dict(COPIERS, mutool=copy_mutool)
    for src in sources:
        (copies / f"{src.stem}-flach.pdf").write_bytes(flatten(src.read_bytes())[0])
        for name, copy in copiers.items():
            copy(src, copies / f"{src.stem}-{name}.pdf")
    return sorted(copies.glob("*.pdf"))


def read_all(copies: Path, code: Path | None) -> dict:
    """read_pdf on every copy, by this code or by the vhpdf package in `code`."""
    proc = subprocess.run([sys.executable, "-c", READ, str(copies.resolve())], cwd=(code or ROOT).resolve(),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=12, help="number of different requests to print")
    parser.add_argument("--dir", type=Path, required=True, help="keep requests and copies here (reused)")
    parser.add_argument("--saved", type=Path, required=True, help="results of a saved run to compare with")
    parser.add_argument("--code", type=Path, help="read with the vhpdf package in this folder instead")
    args = parser.parse_args()
    copies = make_copies(args.dir, args.n)
    now = read_all(copies[0].parent, args.code)
    if not args.saved.exists():
        args.saved.write_text(json.dumps(now, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"Parität Seitentext: {len(now)} Kopien gelesen, gespeichert in {args.saved}")
        return
    before = json.loads(args.saved.read_text(encoding="utf-8"))
    differ = sorted(n for n in before.keys() | now.keys() if before.get(n) != now.get(n))
    if differ:
        print(f"Parität Seitentext VERFEHLT: {len(differ)} von {len(before)} Kopien anders, z. B. "
              + ", ".join(differ[:5]))
        sys.exit(1)
    print(f"Parität Seitentext ok: gleiche Werte, Quellen, Zweifel und Hinweise für alle {len(now)} Kopien")


if __name__ == "__main__":
    main()
