"""Moderation, measured: how long the lexicon takes to load and a script to scan.

    .venv/bin/python benchmarks/moderation.py

Scripts of 1, 4 and 16 thousand characters (clean prose, and the same with obfuscated
profanity and a threat sprinkled in) are scanned with the shipped lexicon; the table
prints the median of several runs in milliseconds and the findings.
"""

from __future__ import annotations

import statistics
import time

from persona.moderation.figures import public_figures
from persona.moderation.lexicon import default_lexicon
from persona.moderation.scan import scan

PROSE = (
    "Welcome to the quarterly update. Our team shipped three features, fixed many bugs "
    "and assessed the classic cocktail of risks in Scunthorpe. "
)
SPICY = "Well, f.u.c.k that. I will kill you. What a sh!t day. "
RUNS = 7


def _median_ms(text: str) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        found = len(scan(text))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), found


def main() -> None:
    started = time.perf_counter()
    lexicon = default_lexicon()
    public_figures()
    load_ms = (time.perf_counter() - started) * 1000
    print(f"lexicon: {len(lexicon.terms)} spellings, {len(lexicon.threats)} threat patterns, "
          f"loaded with the public figures in {load_ms:.0f} ms")  # fmt: skip
    print(f"{'characters':>10} | {'text':<7} | {'scan ms':>8} | findings")
    print(f"{'-' * 10}-+-{'-' * 7}-+-{'-' * 8}-+---------")
    for size in (1000, 4000, 16000):
        for name, text in (("clean", PROSE), ("flagged", PROSE + SPICY)):
            body = (text * (size // len(text) + 1))[:size]
            ms, found = _median_ms(body)
            print(f"{size:>10} | {name:<7} | {ms:>8.1f} | {found}")


if __name__ == "__main__":
    main()
