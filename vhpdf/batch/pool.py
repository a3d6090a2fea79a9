"""The worker pool: items checked in worker processes under per-file limits, results in input order.

Each item is checked in a worker process under a CPU-time limit (RLIMIT_CPU) and an
address-space cap (RLIMIT_AS), so one hostile or broken file can neither stop, hang nor starve
the run: a worker that exceeds a limit, runs out of memory or crashes is killed and replaced, and
its file is reported as unlesbar with the reason. The time limit counts the worker's CPU time, not
wall-clock time, so a file's verdict does not depend on how loaded the machine is; a much larger
wall-clock limit only catches a worker that is blocked without computing.

Workers are long-lived (one per job, not one per file) and take one item at a time; items
are pulled lazily from the input iterable and only a small window of them is in flight or
waiting for its turn in the output order, so memory stays flat however many files there are.

The pool is generic over the task (by default `batch.task.check_item`), so tests can drive it with
tasks that hang, crash or allocate.

A program that will check files can start its first worker before it has even read its command
line (`prestart`): that worker loads the reading and checking code while the program loads its
own, so a single file is not checked only after both (two cores do the two halves side by side).
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait

from vhpdf.batch.sources import Item
from vhpdf.check.result import Result, Status
from vhpdf.form.messages import text
from vhpdf.read.errors import ErrorKind

DEFAULT_TIMEOUT = 30.0  # CPU seconds per file
MIN_WALL = 300.0  # the wall-clock safety net is at least this, and at least 10 x the CPU limit
DEFAULT_MEMORY_MB = 1024  # address space per worker
RECYCLE_MB = 100  # a worker grown this much over its own start after a file is replaced, so the next starts small
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

Task = Callable[..., Result]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Limits:
    """Per file: `timeout` CPU seconds of the worker, `memory_mb` of address space, and `wall`
    seconds of wall-clock time as a last resort (default: max(10 x timeout, MIN_WALL))."""

    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int | None = DEFAULT_MEMORY_MB
    wall: float | None = None

    @property
    def wall_timeout(self) -> float:
        return self.wall if self.wall is not None else max(10 * self.timeout, MIN_WALL)


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _limit_cpu(seconds: float) -> None:
    """Let this process use `seconds` more CPU time, then the kernel ends it with SIGXCPU.

    RLIMIT_CPU counts whole seconds of the process's total CPU time, so the soft limit is set
    to what is used so far plus the budget; the hard limit stays, so the next item can raise it.
    """
    try:
        import math
        import resource
    except ImportError:  # not on a POSIX system: the wall-clock limit only
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _limit_memory(memory_mb: int | None) -> None:
    if not memory_mb:
        return
    try:
        import resource
    except ImportError:  # not on a POSIX system: time limit only
        return
    limit = memory_mb * 2**20
    try:  # a parent that is already large (vhpdf used as a library) must still leave room
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = max(limit, size + 128 * 2**20)
    except (OSError, ValueError):
        pass
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this worker when its parent dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: closed pipe ends still end the worker
        return
    if os.getppid() != parent:  # the parent died before the signal was set
        os._exit(0)


def _become_worker(memory_mb: int | None, parent: int, inherited: tuple) -> None:
    """What every worker does first: end with its parent, keep no one's pipe ends, stay silent."""
    for conn in inherited:  # parent's ends (also of this worker's own pipes): their EOF must reach us
        conn.close()
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    faulthandler.disable()  # a crash is reported by the parent, never as a traceback
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # whatever a library prints about a file (maybe its values) goes nowhere
    os.close(devnull)
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)  # the CPU limit ends the worker ...
    try:  # ... without a core dump, which would hold a person's data
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    _limit_memory(memory_mb)


def _release_memory() -> None:
    """Hand what the last file used back to the system (glibc keeps freed heap otherwise: a
    worker grew from 40 to 160 MB over a few files without it)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).malloc_trim(0)


def _rss_mb(pid: int) -> float:
    """The resident size of a process in MB (0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _serve(task: Task | None, options: dict, limits: Limits, inbox, outbox, parent: int,
           inherited: tuple) -> None:
    """A worker forked from a parent that has loaded the task's code: serve until told to stop."""
    _become_worker(limits.memory_mb, parent, inherited)
    _serve_items(task, options, limits, inbox, outbox)


def _standby(inbox, outbox, parent: int, inherited: tuple) -> None:
    """A worker started before it is needed (`prestart`): it loads the reading and checking code,
    then does the one job it is given — serve a pool (`_serve_items`) or answer a call
    (`_answer`) — under the limits that come with it."""
    _become_worker(None, parent, inherited)
    with contextlib.suppress(Exception):  # only a head start: the job imports what it needs itself
        _with_check_code({})
    try:
        message = inbox.recv()
    except (EOFError, OSError):  # the program ended without reading anything
        return
    if message is None:
        return
    job, args, limits = message
    _limit_memory(limits.memory_mb)
    job(*args, limits, inbox, outbox)


def _take_prestarted(job: Callable, args: tuple, limits: Limits) -> _Worker | None:
    """The worker prestart() began, given its job; None when there is none (or it died)."""
    if not _prestarted:
        return None
    worker = _prestarted.pop()
    try:
        worker.inbox.send((job, args, limits))
    except OSError:
        worker.stop(kill=True)
        return None
    return worker


def _with_check_code(options: dict) -> tuple[Task, dict]:
    """check_item, with the form definition added to `options`; the reading and checking code
    loaded and warmed up in this process (check.rules.warm_up), so workers forked from it
    inherit it instead of each paying for it on its first file."""
    from vhpdf.batch.task import check_item
    from vhpdf.check.rules import warm_up
    from vhpdf.form.definition import load_definition

    form = load_definition()
    warm_up(form)
    return check_item, {"form": form, **options}


def _serve_items(task: Task | None, options: dict, limits: Limits, inbox, outbox) -> None:
    """A worker's life: take (index, item), send (index, result, still large), until told to stop
    or orphaned. Task None is check_item."""
    if task is None:
        task, options = _with_check_code(options)
    # what the worker inherited lives as long as it does: out of the collector's sight, so the
    # collection after each file walks only that file's objects (a full walk cost ~17 ms a file)
    gc.freeze()
    # measured here, not from the parent: a forked child's resident size is not its parent's
    # (file-backed pages are not copied), so only the worker itself knows what a file left behind
    base_mb = _rss_mb(os.getpid())
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, item = message
        _limit_cpu(limits.timeout)
        try:
            result = task(item, **options)
        except MemoryError:
            result = Result(item.name, Status.UNLESBAR, error=text("stapel.speichergrenze"),
                            error_kind=ErrorKind.MEMORY)
        _release_memory()
        outbox.send((index, result, _rss_mb(os.getpid()) > base_mb + RECYCLE_MB))


def _forked(ctx, conns: tuple) -> tuple:
    """The connections a forked child inherits and must close (a spawned child inherits none)."""
    return conns if ctx.get_start_method() == "fork" else ()


class _Worker:
    def __init__(self, ctx, serve: Callable, args: tuple = (), others: tuple = ()):
        """Start a worker running `serve(*args, inbox, outbox, parent, inherited)` (_serve or
        _standby); `others` are the parent's pipe ends of the other workers."""
        inbox_r, self.inbox = ctx.Pipe(duplex=False)  # one-way pipes, no sockets at all
        self.outbox, outbox_w = ctx.Pipe(duplex=False)
        inherited = _forked(ctx, (self.inbox, self.outbox, *others))
        self.proc = ctx.Process(target=serve, args=(*args, inbox_r, outbox_w, os.getpid(), inherited),
                                daemon=True, name="vhpdf-worker")
        self.proc.start()
        inbox_r.close()
        outbox_w.close()
        self.index: int | None = None
        self.item: Item | None = None
        self.deadline = 0.0

    def give(self, index: int, item: Item, timeout: float) -> None:
        self.index, self.item = index, item
        self.deadline = time.monotonic() + timeout
        self.inbox.send((index, item))

    def done(self) -> None:
        self.index = self.item = None

    def current(self) -> tuple[int, Item]:
        """The index and item this (busy) worker is on."""
        if self.index is None or self.item is None:
            raise RuntimeError("worker is idle")
        return self.index, self.item

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.inbox.send(None)
            except OSError:
                kill = True
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(1 if not kill else None)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.inbox.close()
        self.outbox.close()


def _failed(item: Item, message: str, kind: ErrorKind) -> Result:
    return Result(item.name, Status.UNLESBAR, error=message, error_kind=kind, mail=item.mail,
                  annexes=item.annexes)


def _crash_message(exitcode: int | None, cpu_limit: str) -> tuple[str, ErrorKind]:
    """Why a worker ended; `cpu_limit` is the message for the end by the CPU-time limit."""
    if exitcode is not None and exitcode == -signal.SIGXCPU:
        return cpu_limit, ErrorKind.TIMEOUT
    if exitcode is not None and exitcode == -signal.SIGKILL:
        return text("stapel.speichermangel"), ErrorKind.MEMORY
    if exitcode is not None and exitcode == -signal.SIGABRT:
        # PDFium (page reading, C++) aborts where an allocation fails, as under the worker's
        # address-space cap; Python code would have raised MemoryError instead
        return text("stapel.speichergrenze"), ErrorKind.MEMORY
    if exitcode is not None and exitcode < 0:
        how = text("stapel.absturz_signal", nummer=-exitcode)
    else:
        how = text("stapel.absturz_status", nummer=exitcode)
    return text("stapel.absturz", wie=how), ErrorKind.CRASH


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


_prestarted: list[_Worker] = []  # the worker prestart() began, until a pool takes it


def prestart() -> None:
    """Start a worker now, before the program has read its command line: it loads the reading
    and checking code while the program loads its own, side by side on two cores instead of one
    after the other. The next `run` checking with check_item, or else the next `call_isolated`,
    takes it; unused, it ends with the program."""
    if not _prestarted:
        _prestarted.append(_Worker(_context(), _standby))


def run(items: Iterable[Item], task: Task | None = None, *, jobs: int | None = None,
        limits: Limits = Limits(), options: dict | None = None,
        progress: Callable[[Result], None] | None = None) -> Iterator[Result]:
    """Yield one Result per item, in input order, each computed in a worker process by `task`
    (default: batch.task.check_item, with the current form definition).

    `options` are passed to `task` as keyword arguments (e.g. keep_values, password). Never
    raises for a bad item; the workers are stopped when the iterator is exhausted or closed.
    """
    pool = _Pool(task, options or {}, max(1, jobs or default_jobs()), limits, progress)
    try:
        yield from pool.results(iter(enumerate(items)))
    finally:
        pool.close()


class _Pool:
    """Workers, the items in flight and the finished results waiting for their turn."""

    def __init__(self, task: Task | None, options: dict, jobs: int, limits: Limits,
                 progress: Callable[[Result], None] | None):
        self.task, self.options, self.jobs, self.limits = task, options, jobs, limits
        self.progress = progress
        self.ctx = _context()
        self.window = max(8, 4 * jobs)  # items in flight or waiting for the output order
        self.workers: list[_Worker] = []
        self.finished: dict[int, Result] = {}

    def results(self, source: Iterator[tuple[int, Item]]) -> Iterator[Result]:
        next_out, exhausted = 0, False
        while True:
            exhausted = exhausted or self.hand_out(source)
            while next_out in self.finished:
                yield self.finished.pop(next_out)
                next_out += 1
            busy = [w for w in self.workers if w.index is not None]
            if not busy:
                if exhausted:
                    return
                continue
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            wait([w.outbox for w in busy] + [w.proc.sentinel for w in busy], timeout)
            now = time.monotonic()
            for w in busy:
                self.collect(w, now)

    def hand_out(self, source: Iterator[tuple[int, Item]]) -> bool:
        """Give items to idle workers while the window has room; True once the source is empty."""
        in_flight = sum(1 for w in self.workers if w.index is not None)
        while in_flight + len(self.finished) < self.window:
            idle = next((w for w in self.workers if w.index is None), None)
            if idle is None and len(self.workers) >= self.jobs:
                return False
            try:
                index, item = next(source)
            except StopIteration:
                return True
            if idle is None:  # started only for an item: one file needs one worker, not one per core
                idle = self.start_worker()
                self.workers.append(idle)
            try:
                idle.give(index, item, self.limits.wall_timeout)
            except OSError:  # the idle worker died meanwhile (e.g. killed from outside)
                self.replace(idle).give(index, item, self.limits.wall_timeout)
            in_flight += 1
        return False

    def collect(self, w: _Worker, now: float) -> None:
        """Take a busy worker's answer, or judge its crash or timeout."""
        got, torn = None, False
        try:
            if w.outbox.poll():
                got = w.outbox.recv()
        except (EOFError, OSError):  # the worker died: its exit status says how
            w.proc.join(5)
        except Exception:  # noqa: BLE001 - a garbled answer: treat as a crash
            torn = True
        if got is not None:
            self.settle(w, got[1])
            if (got[1].error_kind in (ErrorKind.MEMORY, ErrorKind.LIMIT)  # its heap may be fragmented
                    or got[2]):  # what it kept would add to the next file's peak
                self.replace(w)
        elif torn or not w.proc.is_alive():
            message, kind = _crash_message(w.proc.exitcode, text(
                "stapel.rechenzeit_pruefung", sekunden=_seconds(self.limits.timeout)))
            if torn:
                message = text("stapel.unlesbare_antwort")
            self.settle(w, _failed(w.current()[1], message, kind))
            self.replace(w)
        elif now >= w.deadline:
            message = text("stapel.zeitlimit_pruefung", sekunden=_seconds(self.limits.wall_timeout),
                           rechenzeit=_seconds(self.limits.timeout))
            self.settle(w, _failed(w.current()[1], message, ErrorKind.TIMEOUT))
            self.replace(w)

    def settle(self, w: _Worker, result: Result) -> None:
        index, item = w.current()
        # the task knows more: check_item adds the files embedded in the PDF to the mail's annexes
        result.mail = result.mail or item.mail
        result.annexes = result.annexes or item.annexes
        self.finished[index] = result
        if self.progress is not None:
            self.progress(result)
        w.done()

    def start_worker(self) -> _Worker:
        if self.task is None:  # checking, and check_item's code not loaded here yet
            worker = _take_prestarted(_serve_items, (None, self.options), self.limits)
            if worker is not None:  # the worker started first loads its own
                return worker
            # loaded here only now, once, so that every worker forked from here inherits it
            self.task, self.options = _with_check_code(self.options)
        others = tuple(c for w in self.workers for c in (w.inbox, w.outbox) if not c.closed)
        return _Worker(self.ctx, _serve, (self.task, self.options, self.limits), others)

    def replace(self, w: _Worker) -> _Worker:
        w.stop(kill=True)
        fresh = self.start_worker()
        self.workers[self.workers.index(w)] = fresh
        return fresh

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.index is not None)


class IsolationError(Exception):
    """A call in a worker process timed out, ran out of memory or crashed; the message is German."""


def _call_in_child(func, args, kwargs, limits: Limits, outbox, parent: int, inherited: tuple) -> None:
    _become_worker(limits.memory_mb, parent, inherited)
    _answer(func, args, kwargs, limits, None, outbox)


def _answer(func, args, kwargs, limits: Limits, inbox, outbox) -> None:
    """Send back (True, func(*args, **kwargs)) or (False, the exception it raised)."""
    _limit_cpu(limits.timeout)
    try:
        outbox.send((True, func(*args, **kwargs)))
    except MemoryError:
        outbox.send((False, IsolationError(text("stapel.speichergrenze"))))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which re-raises it
        outbox.send((False, exc))


def call_isolated(func, *args, limits: Limits = Limits(), **kwargs):
    """`func(*args, **kwargs)` in a worker process under the limits; its exception is re-raised.

    For single-file commands such as `vhpdf extract`, so that one hostile file cannot hang or
    exhaust the machine there either. Raises IsolationError on a time limit, memory or crash.
    """
    worker = _take_prestarted(_answer, (func, args, kwargs), limits)
    if worker is not None:
        worker.inbox.close()
        inbox, proc = worker.outbox, worker.proc
    else:
        ctx = _context()
        inbox, outbox = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_call_in_child, args=(func, args, kwargs, limits, outbox,
                                                        os.getpid(), _forked(ctx, (inbox,))),
                           daemon=True, name="vhpdf-worker")
        proc.start()
        outbox.close()
    try:
        if not wait([inbox, proc.sentinel], limits.wall_timeout):
            raise IsolationError(text("stapel.zeitlimit_lesen", sekunden=_seconds(limits.wall_timeout),
                                      rechenzeit=_seconds(limits.timeout)))
        try:
            ok, value = inbox.recv()
        except (EOFError, OSError):
            proc.join(5)
            cpu_limit = text("stapel.rechenzeit_lesen", sekunden=_seconds(limits.timeout))
            raise IsolationError(_crash_message(proc.exitcode, cpu_limit)[0]) from None
        if not ok:
            raise value
        return value
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        inbox.close()
