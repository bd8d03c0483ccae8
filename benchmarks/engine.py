"""Engine speed: script → talking-photo video on this machine.

    .venv/bin/python benchmarks/engine.py                 # 30 s script at 1280x720 and 1920x1080
    .venv/bin/python benchmarks/engine.py --minutes 10    # also a 10-minute script (RSS flatness)

Each measurement runs in its own process so peak RSS belongs to that run alone. Per run it
prints wall time in total and per stage, the encode-only floor (the same frames, already
in memory as I420, encoded alone with the same settings) and peak RSS, with the
targets: total ≤ 10 s and ≤ 1.5× the floor at 720p, ≤ 24 s at 1080p, RSS ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSAGE = (
    "Welcome to the quarterly update from the product team. This season we shipped three "
    "features that customers asked for again and again. First, projects can now be shared "
    "with a single link, and the people you invite see exactly what you see. Second, "
    "exports are twice as fast, because the encoder now works while the frames are still "
    "being drawn. Third, every video can carry captions in several languages. Next quarter "
    "we will focus on reliability. Our goal is simple: nothing you make should ever be lost, "
    "even when a machine fails in the middle of the night. Thank you for your feedback, and "
    "see you next time."
)


def script_for(seconds: float) -> str:
    """About ``seconds`` of speech: the passage (~30 s) repeated as needed."""
    repeats = max(1, round(seconds / 30.0))
    return "\n\n".join([PASSAGE] * repeats)


def _cpu_s() -> float:
    """CPU seconds used by this process so far, every thread counted."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child_render(args: argparse.Namespace) -> dict[str, float]:
    from persona.pipeline import render_video
    from persona.types import RenderOptions, VideoSpec

    w, h = (int(v) for v in args.size.split("x"))
    spec = VideoSpec(width=w, height=h, fps=args.fps, preset=args.preset)
    samples: list[float] = []

    def sink(stage: str, fraction: float, overall: float) -> None:
        if stage == "render" and len(samples) < int(fraction * 10):
            samples.append(_rss_mb())

    t, cpu = time.perf_counter(), _cpu_s()
    result = render_video(
        script_for(args.seconds), args.avatar, args.output, RenderOptions(video=spec), sink=sink
    )
    total = time.perf_counter() - t
    out = {f"t_{k}": v for k, v in result.timings.items()}
    out.update(
        total=total,
        cpu=_cpu_s() - cpu,
        duration=result.n_frames / args.fps,
        frames=result.n_frames,
        rss_mb=_rss_mb(),
        rss_first_tenth=samples[0] if samples else 0.0,
    )
    return out


def child_floor(args: argparse.Namespace) -> dict[str, float]:
    """Render the same frames into memory as I420, then time encoding them alone."""
    from persona.avatar.photo import PhotoAvatar
    from persona.lipsync import animate
    from persona.media import RawFrameRecorder, encode_i420_frames
    from persona.motion import animate_face
    from persona.pipeline import face_states
    from persona.script import parse_script
    from persona.types import VideoSpec
    from persona.voice import get_voice, synthesize_script

    w, h = (int(v) for v in args.size.split("x"))
    spec = VideoSpec(width=w, height=h, fps=args.fps, preset=args.preset)
    speech = synthesize_script(parse_script(script_for(args.seconds)), get_voice(None, "en"))
    avatar = PhotoAvatar.from_path(args.avatar, w, h)
    mouth = animate(speech, args.fps)
    face = animate_face(speech, mouth.n_frames, args.fps)
    recorder = RawFrameRecorder(w, h)
    for state in face_states(mouth, face):
        recorder.write(avatar.render(state))
    t = time.perf_counter()
    encode_i420_frames(args.output, spec, recorder.frames, speech.audio, speech.sample_rate)
    return {"floor": time.perf_counter() - t}


def run_child(
    mode: str,
    size: str,
    seconds: float,
    fps: int,
    preset: str,
    avatar: str,
    encoder_threads: int | None = None,
) -> dict:
    env = dict(os.environ)
    if encoder_threads:
        env["PERSONA_ENCODER_THREADS"] = str(encoder_threads)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--size",
            size,
            "--seconds",
            str(seconds),
            "--fps",
            str(fps),
            "--preset",
            preset,
            "--avatar",
            avatar,
            "--output",
            str(Path(tmp) / "out.mp4"),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-3000:])
            raise SystemExit(f"benchmark child failed: {' '.join(cmd)}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def report(
    size: str, seconds: float, fps: int, preset: str, avatar: str, target: float, floor: bool = True
) -> None:
    r = run_child("render", size, seconds, fps, preset, avatar)
    # The floor keeps every frame in memory: only for short scripts.
    nan = {"floor": float("nan")}
    f = run_child("floor", size, seconds, fps, preset, avatar) if floor else nan
    cores = os.cpu_count() or 2
    f_all = run_child("floor", size, seconds, fps, preset, avatar, cores) if floor else nan
    encode = r["t_render+encode"] - r["t_render"]
    rows = [
        ("video length", f"{r['duration']:.1f} s ({int(r['frames'])} frames)"),
        ("avatar (face, rig)", f"{r['t_avatar']:.2f} s"),
        ("TTS", f"{r['t_speech']:.2f} s"),
        ("lip sync", f"{r['t_lipsync']:.3f} s"),
        ("motion", f"{r['t_motion']:.3f} s"),
        ("render (drawing frames)", f"{r['t_render']:.2f} s"),
        ("encode (waiting on encoder)", f"{encode:.2f} s"),
        ("render + encode wall", f"{r['t_render+encode']:.2f} s"),
        ("TOTAL wall", f"{r['total']:.2f} s   target ≤ {target:g} s"),
        ("encode-only floor", f"{f['floor']:.2f} s (same encoder settings)"),
        (f"floor, encoder on all {cores} cores", f"{f_all['floor']:.2f} s"),
        ("render+encode / floor", f"{r['t_render+encode'] / f['floor']:.2f}x"),
        ("total / floor", f"{r['total'] / f['floor']:.2f}x   target ≤ 1.5x"),
        ("real-time factor", f"{r['total'] / r['duration']:.3f}"),
        ("CPU time, all threads", f"{r['cpu']:.2f} s"),
        (f"CPU-bound minimum (/{cores} cores)", f"{r['cpu'] / cores:.2f} s"),
        ("peak RSS", f"{r['rss_mb']:.0f} MB (at 10 % of frames: {r['rss_first_tenth']:.0f} MB)"),
    ]
    print(f"\n{size} @ {fps} fps, x264 {preset}, {seconds:g} s script")
    width = max(len(k) for k, _ in rows)
    print("-" * (width + 40))
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", choices=("render", "floor"))
    p.add_argument("--size", default=None)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--preset", default="veryfast")
    p.add_argument("--avatar", default=None)
    p.add_argument("--output", default=None)
    p.add_argument("--minutes", type=float, default=0.0, help="also run a script this long")
    args = p.parse_args()
    if args.avatar is None:
        from persona.cli import DEMO_PORTRAIT, asset

        args.avatar = str(asset(DEMO_PORTRAIT))
    if args.child:
        fn = child_render if args.child == "render" else child_floor
        print(json.dumps(fn(args)))
        return
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, Python {sys.version.split()[0]}")
    sizes = [args.size] if args.size else ["1280x720", "1920x1080"]
    for size in sizes:
        target = 24.0 if size == "1920x1080" else 10.0
        report(size, args.seconds, args.fps, args.preset, args.avatar, target * args.seconds / 30)
    if args.minutes:
        report(
            "1280x720",
            args.minutes * 60,
            args.fps,
            args.preset,
            args.avatar,
            args.minutes * 60 / 3,
            floor=False,
        )


if __name__ == "__main__":
    main()
