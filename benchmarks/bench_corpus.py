#!/usr/bin/env python3
"""`vhpdf extract` and a bare pypdf read side by side on PDFs that are not (all) requests.

Real mailboxes bring notices, court decisions and scans beside the requests; each of those must
be turned away quickly. For a sample of the PDFs under the given folders (any test suite, e.g.
pdf.js', qpdf's or PDFium's), each file is read, taking turns, by `vhpdf extract` and by a
fresh interpreter doing `PdfReader(f).get_fields()` (start-up included in both), and the script
prints medians, the 90th percentile and the slowest files, with the ratio.

Usage: python3 benchmarks/bench_corpus.py FOLDER [FOLDER ...] [-n 150] [--seed 1]
"""

from __future__ import annotations

import argparse
import compileall
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = ("import sys\nfrom pypdf import PdfReader\n"
        "try:\n    PdfReader(sys.argv[1]).get_fields()\nexcept Exception:\n    pass\n")
LIMIT = 120  # seconds: a file that takes longer is counted at this


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    try:
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=LIMIT)
    except subprocess.TimeoutExpired:
        return float(LIMIT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("-n", type=int, default=150, help="files to sample")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "vhpdf"), quiet=1)  # as installed (see bench_check.py)
    files = sorted(f for d in args.folders for f in d.rglob("*") if f.suffix.lower() == ".pdf")
    if not files:
        sys.exit("keine PDF-Dateien gefunden")
    sample = random.Random(args.seed).sample(files, min(args.n, len(files)))
    rows = [(timed([sys.executable, "-m", "vhpdf", "extract", str(f)]),
             timed([sys.executable, "-c", BARE, str(f)]), f) for f in sample]
    vhpdf, bare = [v for v, _, _ in rows], [b for _, b, _ in rows]

    def p90(xs: list[float]) -> float:
        return sorted(xs)[int(0.9 * (len(xs) - 1))]

    print(f"{len(sample)} von {len(files)} PDF-Dateien, je Datei mit Programmstart, abwechselnd")
    print(f"{'':<28}{'Median':>9}{'90 %':>9}{'Summe':>9}")
    for label, xs in (("vhpdf extract", vhpdf), ("pypdf get_fields()", bare)):
        print(f"{label:<28}{statistics.median(xs):>8.2f}s{p90(xs):>8.2f}s{sum(xs):>8.0f}s")
    print(f"Verhältnis der Mediane: {statistics.median(vhpdf) / statistics.median(bare):.2f}×")
    print("Langsamste Dateien für vhpdf (vhpdf / pypdf):")
    for v, b, f in sorted(rows, key=lambda t: t[0], reverse=True)[:5]:
        print(f"  {v:6.2f}s {b:6.2f}s  {f.name}")


if __name__ == "__main__":
    main()
