"""The font shipped with vhpdf for field values: metrics and character map, read directly.

VhpdfSans (DejaVu Sans cut down to the Latin script, see fonts/LICENSE-DejaVu.txt) is embedded
whole as a Type0/Identity-H font, so a glyph id is the character code written in appearance
streams. This module reads only what that needs from the TrueType tables (cmap format 4, hmtx,
head, hhea, OS/2), without reportlab or fontTools, so the check path stays light.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

FONT_FILE = Path(__file__).resolve().parent.parent / "fonts" / "VhpdfSans.ttf"
PS_NAME = "VhpdfSans"


@dataclass(frozen=True, eq=False)  # never compared: no generated __eq__/__hash__ (import time)
class Font:
    data: bytes
    cmap: dict[int, int]  # code point -> glyph id
    widths: tuple[int, ...]  # advance per glyph id, in 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def gid(self, char: str) -> int | None:
        return self.cmap.get(ord(char))

    def missing(self, text: str) -> str | None:
        """The first character of `text` this font has no glyph for (line breaks aside)."""
        return next((c for c in text if c not in "\r\n" and ord(c) not in self.cmap), None)

    def width(self, text: str, size: float) -> float:
        w = self.widths
        return sum(w[self.cmap.get(ord(c), 0)] for c in text) * size / 1000.0

    def encode(self, text: str) -> str:
        """`text` as a hex string of 2-byte glyph ids (raises KeyError for a missing glyph)."""
        return "<" + "".join(f"{self.cmap[ord(c)]:04X}" for c in text) + ">"


def _tables(data: bytes) -> dict[str, bytes]:
    count = struct.unpack_from(">H", data, 4)[0]
    out = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        out[tag.decode("latin-1")] = data[offset:offset + length]
    return out


def _cmap(table: bytes) -> dict[int, int]:
    count = struct.unpack_from(">H", table, 2)[0]
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * i)
        if (platform, encoding) in ((3, 1), (0, 3)) and struct.unpack_from(">H", table, offset)[0] == 4:
            break
    else:
        raise ValueError("no Unicode cmap (format 4)")
    segs = struct.unpack_from(">H", table, offset + 6)[0] // 2
    base = offset + 14
    ends = struct.unpack_from(f">{segs}H", table, base)
    starts = struct.unpack_from(f">{segs}H", table, base + 2 * segs + 2)
    deltas = struct.unpack_from(f">{segs}h", table, base + 4 * segs + 2)
    range_at = base + 6 * segs + 2
    ranges = struct.unpack_from(f">{segs}H", table, range_at)
    out = {}
    for i in range(segs):
        for code in range(starts[i], ends[i] + 1):
            if code == 0xFFFF:
                continue
            if ranges[i] == 0:
                gid = (code + deltas[i]) & 0xFFFF
            else:
                at = range_at + 2 * i + ranges[i] + 2 * (code - starts[i])
                gid = struct.unpack_from(">H", table, at)[0]
                gid = (gid + deltas[i]) & 0xFFFF if gid else 0
            if gid:
                out[code] = gid
    return out


@functools.cache
def load_font(path: Path = FONT_FILE) -> Font:
    data = path.read_bytes()
    t = _tables(data)
    upem = struct.unpack_from(">H", t["head"], 18)[0]
    bbox = struct.unpack_from(">4h", t["head"], 36)
    ascent, descent = struct.unpack_from(">hh", t["hhea"], 4)
    metrics = struct.unpack_from(">H", t["hhea"], 34)[0]
    glyphs = struct.unpack_from(">H", t["maxp"], 4)[0]
    advances = list(struct.unpack_from(f">{metrics * 2}H", t["hmtx"])[::2])
    advances += [advances[-1]] * (glyphs - metrics)
    os2 = t["OS/2"]
    cap = struct.unpack_from(">h", os2, 88)[0] if len(os2) >= 90 else round(ascent * 0.78)

    def scale(v: int) -> int:
        return round(v * 1000 / upem)

    box = (scale(bbox[0]), scale(bbox[1]), scale(bbox[2]), scale(bbox[3]))
    return Font(data, _cmap(t["cmap"]), tuple(scale(a) for a in advances), box,
                scale(ascent), scale(descent), scale(cap))
