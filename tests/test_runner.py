"""The runner: per-file isolation in worker processes, limits, input order, flat memory.

The tasks below really hang, crash and allocate in real worker processes; the last tests run
the real check through the CLI.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import corpus
import pytest

from vhpdf.batch.pool import Limits, run
from vhpdf.batch.sources import Item
from vhpdf.check.result import Result, Status
from vhpdf.read.errors import ErrorKind

ROOT = Path(__file__).resolve().parent.parent


def behave(item: Item, **options) -> Result:
    """A task that does what the item's name says."""
    what = item.name.split(":")[0]
    if what == "schlaf":
        time.sleep(float(item.name.split(":")[1]))
    elif what == "haengt":
        time.sleep(600)
    elif what == "rechnet":  # burns CPU: forever, or for the given CPU seconds
        end = time.process_time() + float(item.name.split(":")[1]) if ":" in item.name else None
        while end is None or time.process_time() < end:
            pass
    elif what == "absturz":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif what == "exit":
        os._exit(7)
    elif what == "speicher":
        bytearray(2 * 2**30)  # 2 GB
    elif what == "behaelt":  # keeps 150 MB after it is done (a cache, a leak)
        KEPT.append(bytearray(150 * 2**20))
        KEPT[-1][:: 4096] = b"x" * len(KEPT[-1][:: 4096])  # touched: resident, not just reserved
    elif what == "gibt_frei":  # used 300 MB and freed it: the worker stays
        used = bytearray(300 * 2**20)
        used[:: 4096] = b"x" * len(used[:: 4096])
        del used
    elif what == "zaehlt":  # how many workers the pool runs: live children of our parent
        return Result(item.name, Status.VOLLSTAENDIG, error=f"{len(_children(os.getppid()))} Prüfprozesse")
    return Result(item.name, Status.VOLLSTAENDIG, error=f"pid {os.getpid()}")


KEPT: list[bytearray] = []


def items(*names: str) -> list[Item]:
    return [Item(n) for n in names]


def test_results_in_input_order_with_parallel_workers():
    names = [f"schlaf:{(7 * i) % 5 / 50}:{i}" for i in range(24)]
    results = list(run(items(*names), behave, jobs=3))
    assert [r.file for r in results] == names
    assert len({r.error for r in results}) == 3  # three workers shared the work


def test_workers_are_reused_not_spawned_per_file():
    results = list(run(items(*[f"ok:{i}" for i in range(30)]), behave, jobs=1))
    assert len({r.error for r in results}) == 1


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="counts processes in /proc")
def test_one_file_starts_one_worker_however_many_jobs():
    """A worker per core would be forked, and started, for nothing when one file is checked."""
    assert [r.error for r in run(items("zaehlt"), behave, jobs=4)] == ["1 Prüfprozesse"]
    assert [r.error for r in run(items("schlaf:0.5", "zaehlt"), behave, jobs=4)][1] == "2 Prüfprozesse"


def test_cpu_limit_stops_a_computing_file_and_the_run_goes_on():
    results = list(run(items("ok:1", "rechnet", "ok:2", "ok:3"), behave, jobs=2,
                       limits=Limits(timeout=1.0, wall=600)))
    assert [r.status for r in results] == [Status.VOLLSTAENDIG, Status.UNLESBAR,
                                           Status.VOLLSTAENDIG, Status.VOLLSTAENDIG]
    assert results[1].error_kind is ErrorKind.TIMEOUT
    assert results[1].error.startswith("Rechenzeitlimit von 1 s")


def test_time_limit_counts_cpu_per_file_not_waiting_or_earlier_files():
    """Load-independence: waiting does not count, and each file gets the whole CPU budget."""
    names = ["schlaf:1.5", "rechnet:0.6", "rechnet:0.6", "rechnet:0.6"]
    results = list(run(items(*names), behave, jobs=1, limits=Limits(timeout=1.0, wall=600)))
    assert [r.status for r in results] == [Status.VOLLSTAENDIG] * 4
    assert len({r.error for r in results}) == 1  # one worker did all four: none was killed


def test_wall_clock_safety_net_stops_a_blocked_file():
    results = list(run(items("haengt", "ok:1"), behave, jobs=1, limits=Limits(timeout=1.0, wall=2)))
    assert [r.status for r in results] == [Status.UNLESBAR, Status.VOLLSTAENDIG]
    assert results[0].error_kind is ErrorKind.TIMEOUT
    assert results[0].error.startswith("Sicherheits-Zeitlimit von 2 s")
    assert "Rechenzeitlimit von 1 s" in results[0].error


@pytest.mark.parametrize("name,words", [("absturz", "Signal 11"), ("exit", "Status 7")])
def test_crash_is_reported_and_the_worker_replaced(name, words):
    results = list(run(items("ok:1", name, "ok:2", name, "ok:3"), behave, jobs=1))
    assert [r.status for r in results] == [Status.VOLLSTAENDIG, Status.UNLESBAR,
                                           Status.VOLLSTAENDIG, Status.UNLESBAR, Status.VOLLSTAENDIG]
    assert results[1].error_kind is ErrorKind.CRASH and words in results[1].error
    assert "abgestürzt" in results[1].error
    assert len({results[0].error, results[2].error, results[4].error}) == 3  # fresh workers


def test_worker_still_large_after_a_file_is_replaced(tmp_path):
    """The next file starts small, whatever the last one kept (its peak stays below 300 MB).

    The parent holds 256 MB of a mapped file, as a test process or a library user may: a forked
    worker does not carry those pages, so its growth must be judged against its own start.
    """
    import mmap

    mapped = tmp_path / "gross.bin"
    with open(mapped, "wb") as fh:
        fh.truncate(256 * 2**20)
    with open(mapped, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
        assert sum(view[i] for i in range(0, len(view), 4096)) == 0  # resident in the parent
        results = list(run(items("gibt_frei", "ok:1", "behaelt", "ok:2"), behave, jobs=1,
                           limits=Limits(memory_mb=None)))  # the address space of a large test process
    assert [r.status for r in results] == [Status.VOLLSTAENDIG] * 4
    pids = [r.error for r in results]
    assert pids[0] == pids[1] == pids[2] != pids[3]


def test_memory_cap():
    results = list(run(items("speicher", "ok:1"), behave, jobs=1, limits=Limits(memory_mb=400)))
    assert results[0].status is Status.UNLESBAR and results[0].error_kind is ErrorKind.MEMORY
    assert "Speicher" in results[0].error
    assert results[1].status is Status.VOLLSTAENDIG


def test_items_are_pulled_lazily():
    pulled = []

    def source():
        for i in range(1000):
            pulled.append(i)
            yield Item(f"ok:{i}")

    stream = run(source(), behave, jobs=2)
    next(stream)
    assert len(pulled) <= 16  # a small window, not the whole input
    assert sum(1 for _ in stream) == 999
    stream.close()


def test_no_worker_outlives_the_run():
    stream = run(items("ok:1", "haengt", "ok:2"), behave, jobs=2, limits=Limits(timeout=30))
    assert next(stream).file == "ok:1"  # both workers started; one now hangs on "haengt"
    workers = _children()
    assert len(workers) == 2
    stream.close()  # e.g. the user pressed Ctrl-C while a file was hanging
    assert _gone(workers, lambda: _children())


def _gone(pids: set[int], alive, grace: float = 5.0) -> bool:
    """Whether none of `pids` is among `alive()` within a grace period (polled, not timed)."""
    deadline = time.monotonic() + grace
    while pids & alive():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _children(parent: int | None = None) -> set[int]:
    """Live (not zombie) processes whose parent is `parent` (default: this test)."""
    me = parent or os.getpid()
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me and " Z " not in stat:
                out.add(int(d.name))
    return out


def _alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running (a zombie has ended; its new parent may never reap it)."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


# --- through the CLI, with real files ---------------------------------------------------------

def test_cli_memory_cap_on_a_real_file(tmp_path, complete_pdf):
    """A stream inflating to 70 MB (below pypdf's own limit) meets a 150 MB cap."""
    import zlib

    packed = zlib.compress(b"A" * (70 * 2**20), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    (tmp_path / "gross.pdf").write_bytes(corpus._with_stream(stream))
    (tmp_path / "gut.pdf").write_bytes(complete_pdf.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", "--format", "json",
                           "--speicher", "150", str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    results = {Path(r["file"]).name: r for r in json.loads(proc.stdout)}
    assert results["gross.pdf"]["status"] == "unlesbar"
    assert "Speicher" in results["gross.pdf"]["error"]
    assert results["gut.pdf"]["status"] == "vollständig"
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["pruefen", "auslesen"])
def test_one_file_is_read_by_the_worker_started_first(complete_pdf, command):
    """The program that reads one file never imports the reading code (pypdf): the worker does.
    `pruefen` would load it to fork its workers but for the worker started before its command
    line is read; `auslesen` has its values read and written in the worker."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "vhpdf", command, "--format", "json",
                           str(complete_pdf)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    if command == "pruefen":
        assert [r["status"] for r in json.loads(proc.stdout)] == ["vollständig"]
    else:
        assert json.loads(proc.stdout)["values"]["absender.aktenzeichen"]
    parent = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "vhpdf.batch.pool" in parent and "vhpdf.cli.commands" in parent  # really the parent's list
    assert not {m for m in parent if m.split(".")[0] == "pypdf" or m == "vhpdf.read.extract"}


@pytest.mark.parametrize("args", [["pruefen", "--help"], ["erzeugen", "--help"], ["--version"]])
def test_no_worker_for_commands_that_check_nothing(args):
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "vhpdf", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout
    assert "vhpdf.batch.pool" not in proc.stderr


def test_the_worker_started_first_ends_with_a_usage_error(tmp_path):
    """Missing input: exit status 2 and the message, however early the worker was started."""
    missing = tmp_path / "fehlt.pdf"
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", str(missing)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and str(missing) in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_worker_commands_are_commands():
    import click

    from vhpdf.cli import WORKER_COMMANDS
    from vhpdf.cli.commands import cli

    with click.Context(cli) as ctx:
        assert all(cli.get_command(ctx, name) is not None for name in WORKER_COMMANDS)


def _run_on_tty(args: list[str], answer: bytes | None = None, cwd: Path = ROOT) -> tuple[int, str, str]:
    """Run the CLI with stdin and stderr on a pseudo-terminal, stdout on a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "vhpdf", *args], cwd=cwd, stdin=slave,
                            stderr=slave, stdout=subprocess.PIPE)
    os.close(slave)
    seen = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if answer is not None and not answered and b"Kennwort" in seen:
            os.write(master, answer)
            answered = True
        if proc.poll() is not None and not ready:
            break
    out = proc.stdout.read().decode()
    proc.wait(10)
    os.close(master)
    return proc.returncode, out, seen.decode(errors="replace")


def test_progress_on_a_tty_only(tmp_path, complete_pdf):
    for i in range(8):
        (tmp_path / f"ersuchen-{i}.pdf").write_bytes(complete_pdf.read_bytes())
    code, out, tty = _run_on_tty(["pruefen", "--jobs", "2", str(tmp_path)])
    # eight copies of one request: the newest is current, seven are older versions of it
    assert code == 0 and "1 Ersuchen geprüft: 1 vollständig" in out and "dazu 7 ältere" in out
    assert "Prüfe" in tty and "8/8" in tty
    plain = subprocess.run([sys.executable, "-m", "vhpdf", "pruefen", str(tmp_path)], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert plain.returncode == 0 and plain.stderr == ""


def test_password_prompt_on_a_tty(tmp_path, complete_pdf):
    path = tmp_path / "verschluesselt.pdf"
    path.write_bytes(corpus.encrypt(complete_pdf.read_bytes(), "AES-256"))
    code, out, tty = _run_on_tty(["pruefen", str(path)], answer=b"geheim\n")
    assert "Kennwort" in tty and "geheim" not in tty  # asked, input hidden
    assert code == 0 and "✔ vollständig" in out, out + tty
    code, out, _ = _run_on_tty(["pruefen", str(path)], answer=b"falsch\n")
    assert code == 1 and "passt nicht" in out


def test_call_isolated_limits():
    from vhpdf.batch.pool import IsolationError, call_isolated

    assert call_isolated(pow, 2, 10) == 1024
    with pytest.raises(ZeroDivisionError):  # the callee's own exception comes back as it is
        call_isolated(divmod, 1, 0)
    with pytest.raises(IsolationError, match="^Sicherheits-Zeitlimit von 1,5 s"):
        call_isolated(time.sleep, 60, limits=Limits(timeout=0.5, wall=1.5))
    with pytest.raises(IsolationError, match="^Rechenzeitlimit von 0,5 s"):
        call_isolated(behave, Item("rechnet"), limits=Limits(timeout=0.5, wall=600))
    with pytest.raises(IsolationError, match="Speicher"):
        call_isolated(bytearray, 2 * 2**30, limits=Limits(memory_mb=400))
    with pytest.raises(IsolationError, match="abgestürzt"):
        call_isolated(os._exit, 3)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_a_running_check_is_killed(tmp_path, complete_pdf):
    """SIGKILL and SIGTERM on `vhpdf check --jobs 2` mid-run: no worker survives its parent."""
    folder = tmp_path / "eingang"
    folder.mkdir()
    for i in range(300):  # links, not copies: enough requests that the run is surely mid-way
        os.link(complete_pdf, folder / f"ersuchen-{i:03d}.pdf")
    for sig in [signal.SIGKILL, signal.SIGTERM] * 5:
        proc = subprocess.Popen([sys.executable, "-m", "vhpdf", "check", "--jobs", "2", str(folder)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(workers := _children(proc.pid)) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "no workers started"
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(sig)
        proc.wait(30)
        assert proc.returncode == -sig
        assert _gone(workers, lambda: _alive(workers)), (sig, _alive(workers))


def test_cli_extract_is_isolated_too(tmp_path):
    import zlib

    packed = zlib.compress(b"A" * (70 * 2**20), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    path = tmp_path / "gross.pdf"
    path.write_bytes(corpus._with_stream(stream))
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "auslesen", "--speicher", "150", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Speicher" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Fehler: ")


@pytest.mark.parametrize("command", ["druck", "flatten"])
def test_cli_druck_and_flatten_are_isolated_too(tmp_path, command):
    """They parse received files too: in a worker, under the same limits as extract."""
    import zlib

    packed = zlib.compress(b"A" * (70 * 2**20), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    path = tmp_path / "gross.pdf"
    path.write_bytes(corpus._with_stream(stream))
    proc = subprocess.run([sys.executable, "-m", "vhpdf", command, "--speicher", "150", str(path),
                           "-o", str(tmp_path / "aus.pdf")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Speicher" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"Fehler: {path}: ") and not (tmp_path / "aus.pdf").exists()


def test_cli_druck_and_flatten_open_encrypted_files_and_never_touch_them(tmp_path, complete_values):
    import hashlib

    from vhpdf.read.extract import extract
    from vhpdf.write.generate import fill_form

    src = tmp_path / "geheim.pdf"
    src.write_bytes(corpus.encrypt(fill_form(complete_values), "AES-128", user="geheim"))
    digest = hashlib.sha256(src.read_bytes()).hexdigest()

    def vhpdf(*args, env=None):
        return subprocess.run([sys.executable, "-m", "vhpdf", *map(str, args)], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**os.environ, **(env or {})})

    locked = vhpdf("druck", src, "-o", tmp_path / "druck.pdf")
    assert locked.returncode == 1 and "--passwort" in locked.stderr, locked.stderr
    given = vhpdf("druck", src, "-o", tmp_path / "druck.pdf", "--passwort", "geheim")
    assert given.returncode == 0, given.stderr
    from_env = vhpdf("flatten", src, "-o", tmp_path / "flach.pdf", env={"VHPDF_PASSWORT": "geheim"})
    assert from_env.returncode == 0, from_env.stderr
    for out in ("druck.pdf", "flach.pdf"):
        assert extract(tmp_path / out).values == extract(src, password="geheim").values
    os.link(src, tmp_path / "verweis.pdf")
    for command, target in (("druck", src), ("flatten", tmp_path / "verweis.pdf")):  # also via a link
        same = vhpdf(command, src, "-o", target, "--passwort", "geheim", "--force")
        assert same.returncode == 2 and "Eingabedatei" in same.stderr, same.stderr
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest
