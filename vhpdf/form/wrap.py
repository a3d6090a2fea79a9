"""Greedy word wrap by any width measure: the page layout wraps labels in Helvetica, the field
appearances wrap values in the embedded font. Its own module so that checking a request, which
lays out values, does not import the page layout."""

from __future__ import annotations

from collections.abc import Callable


def wrap_measured(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy word wrap by any width measure; words longer than a line are split."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while measure(word) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and measure(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines
