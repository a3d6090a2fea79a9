#!/usr/bin/env python3
"""Benchmark of `vhpdf check` against a bare pypdf loop over the same files.

Generates N filled requests (default 1000) with varied content, filled by three programs —
vhpdf itself, PyMuPDF and pdftk (pdftk starts a JVM per file, so it fills a pool of distinct
variants that are then copied under new names) — and prints, from one run:

  * files/s of `vhpdf check --jobs 1` and `--jobs 2` (whole command, start-up included),
  * files/s of a bare loop `pypdf.PdfReader(f).get_fields()` over the same files (one core),
  * their ratios (targets: jobs 1 ≥ 0.8×, jobs 2 ≥ 1.6× the bare loop),
  * the peak memory of each check run (the whole process tree, sampled; target < 200 MB),
  * the wall time of `vhpdf check` on a single file, start-up included (target < 0.5 s).

The machine may be shared, so the three measurements alternate for --rounds rounds and the best
of each counts; the load average before the run and the CPU seconds of the check are printed too.

Usage: python3 benchmarks/bench_check.py [-n 1000] [--dir DIR] [--pdftk-pool 12]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

FIRST = ["Arbër", "Drita", "Mehmet", "Olena", "Yusuf", "Amina", "Giorgi", "Fatou", "Kiran", "Lina",
         "Ion", "Zeynep", "Samir", "Maryam", "Bogdan", "Ngozi"]
LAST = ["Hoxha", "Yilmaz", "Kovalenko", "Diallo", "Rahimi", "Popescu", "Beridze", "Okafor",
        "Haddad", "Nowak", "Ahmadi", "Petrovic"]
NATION = ["kosovarisch", "türkisch", "ukrainisch", "guineisch", "afghanisch", "rumänisch",
          "georgisch", "nigerianisch", "syrisch", "serbisch"]


def variant(rng: random.Random, base: dict, form) -> dict:
    """A plausible request: other people, dates, file number, KPB; some parts left out."""
    values = {k: v for k, v in base.items() if not k.startswith("person")}
    day = rng.randint(1, 27)
    values["absender.aktenzeichen"] = f"ABH {rng.randint(10, 99)}.{rng.randint(1, 9)}-{rng.randint(1000, 9999)}/26"
    values["ersuchen.datum"] = f"{day:02d}.10.2026"
    values["massnahme.datum"] = f"{day:02d}.11.2026"
    values["meldung.datum"] = values["massnahme.datum"]
    values["empfaenger.kpb"] = rng.choice(form.kpb).name
    family = rng.choice(LAST)
    for n in range(1, rng.randint(1, 4) + 1):
        values[f"person{n}.name"] = family
        values[f"person{n}.vorname"] = rng.choice(FIRST)
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1960, 2020)
        values[f"person{n}.geburtsdatum"] = f"{day:02d}.{month:02d}.{year}"
        values[f"person{n}.staatsangehoerigkeit"] = rng.choice(NATION)
        values[f"person{n}.erkenntnisse"] = rng.choice(["Keine Erkenntnisse.", base["person1.erkenntnisse"]])
    for name in rng.sample(sorted(values), rng.randint(0, 8)):  # some requests are incomplete
        if not isinstance(values[name], bool) and not name.startswith("person"):
            values[name] = None
    values["gefaehrdung.ergebnis"] = base["gefaehrdung.ergebnis"] * rng.randint(1, 3)
    return values


def make_corpus(folder: Path, n: int, pdftk_pool: int, seed: int = 4) -> dict[str, int]:
    from fillers import fill_pdftk, fill_pymupdf

    from vhpdf.form.definition import load_definition
    from vhpdf.write.generate import fill_form, generate

    form = load_definition()
    base = json.loads((ROOT / "samples" / "vollstaendig.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    work = folder / ".arbeit"
    work.mkdir()
    blank = work / "leer.pdf"
    blank.write_bytes(generate())
    pool = []
    for i in range(min(pdftk_pool, n)):
        pool.append(fill_pdftk(blank, variant(rng, base, form), work / f"pdftk-{i}.pdf"))
    counts = {"vhpdf": 0, "pymupdf": 0, "pdftk": 0}
    for i in range(n):
        target = folder / f"ersuchen-{i:05d}.pdf"
        program = ("vhpdf", "pymupdf", "pdftk")[i % 3]
        if program == "vhpdf":
            target.write_bytes(fill_form(variant(rng, base, form)))
        elif program == "pymupdf":
            fill_pymupdf(blank, variant(rng, base, form), target)
        else:
            shutil.copyfile(pool[i // 3 % len(pool)], target)
        counts[program] += 1
    shutil.rmtree(work)
    return counts


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (cheap: only the tree)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * page
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def timed(cmd: list[str]) -> tuple[float, int, float]:
    """Wall time, peak memory of the process tree, and CPU seconds (user+sys) of a command."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"vhpdf check failed ({proc.returncode}): {proc.stderr.read().decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, peak, cpu


BARE = ("import sys\nfrom pypdf import PdfReader\n"
        "for f in sys.argv[1:]:\n    PdfReader(f).get_fields()\n")


def bare_loop(files: list[Path], procs: int = 1) -> float:
    """files/s of pypdf alone in `procs` fresh interpreters side by side (start-up included).

    With procs=2 it is the control for --jobs 2: it shows how much of a second core the
    machine actually gives at that moment.
    """
    start = time.perf_counter()
    running = [subprocess.Popen([sys.executable, "-c", BARE, *map(str, files[i::procs])])
               for i in range(procs)]
    for p in running:
        if p.wait():
            sys.exit("bare pypdf loop failed")
    return len(files) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="number of filled requests")
    parser.add_argument("--dir", type=Path, help="keep the generated files here")
    parser.add_argument("--pdftk-pool", type=int, default=12, help="distinct pdftk-filled variants")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (best counts)")
    args = parser.parse_args()

    folder = args.dir or Path(tempfile.mkdtemp(prefix="vhpdf-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = sorted(folder.glob("ersuchen-*.pdf"))
        if len(files) != args.n:
            for f in files:
                f.unlink()
            t = time.perf_counter()
            counts = make_corpus(folder, args.n, args.pdftk_pool)
            print(f"{args.n} Ersuchen erzeugt in {time.perf_counter() - t:.1f} s: "
                  + ", ".join(f"{k} {v}" for k, v in counts.items())
                  + f" (pdftk: {min(args.pdftk_pool, args.n)} verschiedene)")
            files = sorted(folder.glob("ersuchen-*.pdf"))
        size = sum(f.stat().st_size for f in files) / len(files) / 1024
        print(f"Dateien: {len(files)}, im Mittel {size:.0f} KB; Kerne: {os.cpu_count()}; "
              f"Python {sys.version.split()[0]}")

        for f in files[:50]:  # warm the page cache for everyone alike
            f.read_bytes()
        load = os.getloadavg()[0]
        check = [sys.executable, "-m", "vhpdf", "pruefen", "--format", "json"]
        bare, bare2, runs = 0.0, 0.0, {1: (0.0, 0, 0.0), 2: (0.0, 0, 0.0)}
        for _ in range(args.rounds):  # interleaved, best of each: fair on a shared machine
            bare = max(bare, bare_loop(files))
            bare2 = max(bare2, bare_loop(files, 2))
            for jobs in (1, 2):
                wall, peak, cpu = timed(check + ["--jobs", str(jobs), str(folder)])
                best = runs[jobs]
                runs[jobs] = (max(best[0], len(files) / wall), max(best[1], peak),
                              cpu if best[0] < len(files) / wall else best[2])
        singles = [timed(check[:-2] + [str(files[0])])[0] for _ in range(7)]
        single = statistics.median(singles)

        mb = 2**20
        print()
        print(f"{'Messung':<42}{'Dateien/s':>10}{'× Basis':>9}{'Spitze MB':>11}   Ziel")
        print(f"(bestes von {args.rounds} abwechselnden Durchläufen; Spitze = Maximum)")
        print(f"{'pypdf PdfReader(f).get_fields() (1 Kern)':<42}{bare:>10.1f}{1:>9.2f}")
        print(f"{'  dasselbe, 2 Prozesse parallel (Kontrolle)':<42}{bare2:>10.1f}{bare2 / bare:>9.2f}")
        for jobs, target in ((1, 0.8), (2, 1.6)):
            rate, peak, _ = runs[jobs]
            ok = "ok" if rate / bare >= target and peak < 200 * mb else "VERFEHLT"
            print(f"{f'vhpdf check --jobs {jobs}':<42}{rate:>10.1f}{rate / bare:>9.2f}"
                  f"{peak / mb:>11.0f}   ≥ {target}×, < 200 MB: {ok}")
        print(f"vhpdf check --jobs 2 / pypdf mit 2 Prozessen: {runs[2][0] / bare2:.2f} "
              "(wie viel der auf dieser Maschine gerade möglichen Parallelität genutzt wird)")
        cpu_rate = len(files) / runs[2][2]
        print(f"vhpdf check --jobs 2: {runs[2][2]:.1f} CPU-s, also {cpu_rate:.1f} Dateien je CPU-s "
              f"(× Basis {cpu_rate / bare:.2f}); Last vor der Messung {load:.2f} "
              f"(über 0 heißt: andere Prozesse teilen die Kerne)")
        ok = "ok" if single < 0.5 else "VERFEHLT"
        print(f"vhpdf check, eine Datei (mit Start): {single * 1000:.0f} ms (Median von 7; Ziel < 500 ms {ok})")
    finally:
        if args.dir is None:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
