"""A one-minute, two-speaker podcast scene at 1080p: wall time per stage, real-time factor.

Variants: ``templates`` (two illustrated templates, maya and kwame) and ``photo`` (the
host as the template maya, the guest as the bundled portrait photo). Both use Piper
catalog voices (``adult_female_1``, ``adult_male_2``), the ``split`` layout, a title card,
lower thirds, the speaking ring and a moving gradient behind the panels.

Columns: the video's length; wall time of the whole render; the real-time factor (wall /
video); then per stage: opening the avatars (beside TTS, on the main thread), TTS, lip
sync, face motion, drawing and compositing (main thread) and drawing + encoding together
(the encoder works on its own thread while frames are drawn), frames per second, and CPU
seconds: all threads, and the main thread (avatars, lip sync, motion, drawing), steadier
than wall time when other processes share the cores.

    .venv/bin/python benchmarks/podcast.py [--variants templates,photo] [--size 1920x1080]
        [--layout split] [--preset veryfast]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from persona.cli import asset, parse_size
from persona.compose.layouts import layout_name
from persona.scene.model import BackgroundSpec, SceneSpec, Speaker, TitleSpec
from persona.scene.render import render_scene

DIALOGUE = """\
Alex: Welcome back to Tiny Machines, the show about small robots doing useful work. \
I'm Alex, and today my guest builds robots that help farmers weed their fields.
Sam: Thanks for having me, Alex.
Alex: So how did it all start?
Sam: In a garage, honestly. Three friends, one borrowed tractor and a lot of cold pizza. \
We wanted a robot that pulls weeds at night, so farmers can use fewer chemicals.
Alex: At night? Why at night?
Sam: Because the plants are calm, the soil is cool, and our lights beat the sunshine.
Alex: Wow! I never would have guessed that.
Sam: [laughs] Most people don't. The hardest part was teaching the robot which tiny green \
shoot is a carrot and which one is a weed. They look almost the same.
Alex: And how good is it today?
Sam: It gets about ninety eight percent right.
Alex: That's amazing. Where can people learn more?
Sam: Our website has videos of the robots at work, and we love visitors on the farm.
Alex: Thank you, Sam. And thanks to everyone for listening. See you next week!
"""

HOST = Speaker(
    "alex",
    "Alex Rivera",
    "template:maya",
    voice="adult_female_1",
    title="Host",
    colour=(48, 160, 240),
)
GUEST = Speaker(
    "sam",
    "Sam Okafor",
    "template:kwame",
    voice="adult_male_2",
    title="Robotics founder",
    colour=(176, 192, 48),
)


def scene_for(variant: str, size: tuple[int, int], layout: str) -> SceneSpec:
    guest = GUEST if variant == "templates" else replace(GUEST, avatar=str(asset("astronaut.jpg")))
    return SceneSpec(
        speakers=(HOST, guest),
        layout=layout,
        width=size[0],
        height=size[1],
        background=BackgroundSpec("gradient", ((48, 32, 27), (92, 45, 58))),
        title=TitleSpec("Tiny Machines", "Episode 12: Robots on the farm", 2500),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="templates,photo")
    parser.add_argument("--size", type=parse_size, default=(1920, 1080))
    parser.add_argument("--layout", default="split")
    parser.add_argument("--preset", default="veryfast")
    args = parser.parse_args()
    layout = layout_name(args.layout)
    w, h = args.size
    print(
        f"{w}×{h}, 25 fps, {layout}, x264 {args.preset}; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; seconds"
    )
    print(
        "| variant | video | wall | RTF | avatars | TTS | lipsync | motion | draw+compose "
        "| draw+encode | frames/s | CPU s | main-thread CPU s |"
    )
    print("|---" * 13 + "|")
    with tempfile.TemporaryDirectory() as folder:
        for variant in args.variants.split(","):
            scene = scene_for(variant, args.size, layout)
            started, cpu, main_cpu = time.perf_counter(), time.process_time(), time.thread_time()
            result = render_scene(
                DIALOGUE, scene, Path(folder) / f"{variant}.mp4", preset=args.preset
            )
            wall = time.perf_counter() - started
            cpu, main_cpu = time.process_time() - cpu, time.thread_time() - main_cpu
            video = result.n_frames / result.fps
            t = result.timings
            print(
                f"| {variant} | {video:.1f} | {wall:.1f} | {wall / video:.2f} | {t['avatars']:.2f} "
                f"| {t['speech']:.1f} | {t['lipsync']:.2f} | {t['motion']:.2f} | {t['render']:.1f} "
                f"| {t['render+encode']:.1f} | {result.n_frames / t['render+encode']:.1f} "
                f"| {cpu:.0f} | {main_cpu:.0f} |"
            )


if __name__ == "__main__":
    main()
