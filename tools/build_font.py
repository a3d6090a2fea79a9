"""Build vhpdf/fonts/VhpdfSans.ttf: DejaVu Sans cut down to the Latin script (run by hand).

The committed font is the output of this script; run it again only to change the coverage:

    pip install fonttools && python3 tools/build_font.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

Coverage: Basic Latin, Latin-1 Supplement, Latin Extended-A and -B, spacing modifiers and
combining diacritics, Latin Extended Additional (Vietnamese), general punctuation and a few
symbols (€ № ™ −). Hinting is dropped (appearances are printed or scaled, not shown at 9 px).
The Bitstream Vera licence allows modified copies under a name without "Bitstream" or "Vera";
see vhpdf/fonts/LICENSE-DejaVu.txt.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x2B0, 0x2FF), (0x300, 0x36F), (0x1E00, 0x1EFF),
          (0x2000, 0x206F), (0x20AC, 0x20AC), (0x2116, 0x2116), (0x2122, 0x2122),
          (0x2212, 0x2212)]
OUT = Path(__file__).resolve().parent.parent / "vhpdf" / "fonts" / "VhpdfSans.ttf"


def main(source: str) -> None:
    font = TTFont(source)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []  # appearance streams position glyphs themselves
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables += ["GDEF", "GPOS", "GSUB", "MATH", "gasp", "FFTM", "kern"]
    wanted = [c for lo, hi in RANGES for c in range(lo, hi + 1)]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=wanted)
    sub.subset(font)
    for rec in font["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = "Vhpdf Sans"
        elif rec.nameID == 6:
            rec.string = "VhpdfSans"
        elif rec.nameID == 3:
            rec.string = "VhpdfSans (subset of DejaVu Sans 2.37)"
    font.save(OUT)
    print(OUT, OUT.stat().st_size, "bytes,", len(font.getGlyphOrder()), "glyphs")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
