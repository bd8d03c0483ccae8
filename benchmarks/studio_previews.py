"""The web studio's fast previews, measured in process (no HTTP): the avatar still, the
voice sample and the script estimate, each cold (first call, nothing cached) and warm
(the same request again, served from the cache), plus an avatar whose spec differs
from any drawn before (the drawing itself, with the creator warmed up), and a script
estimate after a one-sentence edit (only the new sentence is spoken).

    .venv/bin/python benchmarks/studio_previews.py [--size 384] [--repeat 20]

Prints milliseconds per call: median and worst of ``--repeat`` warm calls.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from persona.service import previews
from persona.service.estimate import estimate_script
from persona.voice import get_voice

SCRIPT = (
    "Welcome to Persona Studio. Today we look at three new features! "
    "First, the quick preview renders only the first seconds. "
    "Second, the estimate tells you how long a script runs."
)


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def row(name: str, call: Callable[[], object], repeat: int) -> tuple[str, float, float, float]:
    cold = timed(call)
    warm = [timed(call) for _ in range(repeat)]
    return name, cold, statistics.median(warm), max(warm)


def fresh_avatars(size: int, repeat: int) -> tuple[str, float, float, float]:
    """A new spec each call (a different shirt colour): always drawn, never cached."""
    colours = iter(f"#{k:02x}3050" for k in range(10, 250))
    first = timed(
        lambda: previews.avatar_preview_png("kwame", {"clothing.colour": "#0a0a0a"}, size)
    )
    drawn = [
        timed(
            lambda: previews.avatar_preview_png("kwame", {"clothing.colour": next(colours)}, size)
        )
        for _ in range(repeat)
    ]
    return f"avatar preview {size} px, new spec", first, statistics.median(drawn), max(drawn)


def edited_scripts(voice_id: str, repeat: int) -> tuple[str, float, float, float]:
    """The script with one new sentence each call, as while typing: only it is spoken."""
    estimate_script(SCRIPT, voice_id)
    numbers = iter(range(1, 10_000))

    def edit() -> object:
        return estimate_script(f"{SCRIPT} Point number {next(numbers)} follows.", voice_id)

    first = timed(edit)
    edits = [timed(edit) for _ in range(repeat)]
    return (
        f"estimate, one sentence edited ({voice_id})",
        first,
        statistics.median(edits),
        max(edits),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=384)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    voice = get_voice("espeak-en", None)
    rows = [
        row(
            f"avatar preview {args.size} px, same spec",
            lambda: previews.avatar_preview_png("maya", {"hair.style": "afro"}, args.size),
            args.repeat,
        ),
        fresh_avatars(args.size, args.repeat),
        row("voice preview espeak-en", lambda: previews.voice_preview_wav(voice), args.repeat),
        row(
            "script estimate (3 sentences)",
            lambda: estimate_script(SCRIPT, "espeak-en"),
            args.repeat,
        ),
        row("script estimate, joe (Piper)", lambda: estimate_script(SCRIPT, "joe"), args.repeat),
        edited_scripts("espeak-en", args.repeat),
        edited_scripts("joe", args.repeat),
    ]
    print(f"{'preview':40} {'cold ms':>9} {'warm p50':>9} {'warm max':>9}")
    for name, cold, median, worst in rows:
        print(f"{name:40} {cold:9.1f} {median:9.2f} {worst:9.2f}")


if __name__ == "__main__":
    main()
