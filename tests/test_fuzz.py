"""Property: whatever happens to the bytes of a valid filled request, the extractor either
returns values or raises its own clean error — no other exception, no hang, no runaway memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vhpdf.read.errors import ExtractError
from vhpdf.read.extract import Extraction, read_pdf
from vhpdf.write.generate import fill_form

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
VALID = fill_form(json.loads((SAMPLES / "vollstaendig.json").read_text(encoding="utf-8")))
MEMORY_LIMIT = 300 * 2**20  # growth of the peak RSS over the whole test

# tokens that steer mutations into the structure rather than into compressed noise
TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"startxref", b"%%EOF",
          b"/Kids", b"/Fields", b"/Parent", b"/V", b"/T", b"/FT", b"<<", b">>", b"[", b"]", b"(", b")",
          b"R", b"0", b"999999999", b"-1", b"/Length", b"/Filter", b"/FlateDecode", b"/Encrypt",
          b"\x00", b"\xff\xfe", b"%PDF-1.7"]

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(VALID) - 1), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, len(VALID) - 1), st.integers(0, 4096)),
    st.tuples(st.just("insert"), st.integers(0, len(VALID)), st.sampled_from(TOKENS)),
    st.tuples(st.just("replace"), st.sampled_from(TOKENS), st.sampled_from(TOKENS)),
    st.tuples(st.just("splice"), st.integers(0, len(VALID) - 1), st.integers(0, len(VALID) - 1)),
)


def mutate(data: bytes, steps) -> bytes:
    buf = bytearray(data)
    for kind, a, b in steps:
        if kind == "flip" and a < len(buf):
            buf[a] ^= b
        elif kind == "cut":
            del buf[a:a + b]
        elif kind == "insert":
            buf[a:a] = b
        elif kind == "replace":
            pos = bytes(buf).find(a)
            if pos >= 0:
                buf[pos:pos + len(a)] = b
        elif kind == "splice":  # a chunk of the file copied elsewhere
            buf[b:b] = buf[a:a + 200]
    return bytes(buf)


def peak_rss() -> int:
    """This process's peak resident set since the last reset (VmHWM)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) * 1024


@pytest.fixture(scope="module")
def start_rss() -> int:
    """Reset the peak first: an xdist worker runs other files before this one, and their peaks
    (OCR images) must neither fail this test nor hide its own growth."""
    Path("/proc/self/clear_refs").write_text("5")
    return peak_rss()


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(mutation, min_size=1, max_size=6))
def test_mutated_requests_read_or_fail_cleanly(form, start_rss, steps):
    data = mutate(VALID, steps)
    try:
        result = read_pdf(data, form)
    except ExtractError as exc:
        message = str(exc)
        assert message and message[0].isupper() and message.endswith(".")
        assert "Traceback" not in message
    else:
        assert isinstance(result, Extraction)
        assert set(result.values) >= set(form.field_map(1))
        for v in result.values.values():
            assert v is None or isinstance(v, (bool, str))
            if isinstance(v, str):
                v.encode("utf-8")  # printable in any report
    assert peak_rss() - start_rss < MEMORY_LIMIT
