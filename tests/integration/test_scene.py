"""Multi-speaker scenes through the whole chain: every layout, the file, the sound, the CLI."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from contextlib import redirect_stderr
from dataclasses import replace
from itertools import islice
from pathlib import Path

import cv2
import numpy as np
import pytest

from persona.avatar.base import open_avatar
from persona.avatar.creator.draw import CreatorAvatar
from persona.avatar.creator.templates import get_template
from persona.cli import main
from persona.compose.layouts import FULL, LAYOUTS
from persona.compose.overlays import LowerThird, Showing
from persona.errors import NoFaceError
from persona.media import probe, read_audio, read_video_frames
from persona.pipeline import face_states
from persona.scene.model import SceneResult, SceneSpec, Speaker
from persona.scene.render import render_scene
from persona.types import FaceState, Frame, Rect
from persona.voice.pitch import median_f0

pytestmark = pytest.mark.slow

SIZE = (480, 270)
TEMPLATES = ("maya", "kwame", "mei", "omar")
DIALOGUE = (
    "Alex: Welcome back to the show. Today we talk about robots in the kitchen.\n"
    "Sam: Thanks for having me. I have been building them for years.\n"
    "Mei: Can a robot really cook a full meal? I am not so sure about that.\n"
    "Omar: Haha, mine burns toast. [laughs]\n"
    "Alex: Let us find out together, right after this short break.\n"
)


def speakers(n: int, pitches: Sequence[float] = (0, 0, 0, 0)) -> tuple[Speaker, ...]:
    names = ("Alex", "Sam", "Mei", "Omar")
    return tuple(
        Speaker(n.lower(), n, f"template:{t}", voice="espeak-en", title="Guest", pitch=p)
        for n, t, p in zip(names[:n], TEMPLATES[:n], pitches[:n], strict=False)
    )


def dialogue(n: int) -> str:
    keep = {s.name for s in speakers(n)}
    return "".join(line + "\n" for line in DIALOGUE.splitlines() if line.split(":")[0] in keep)


class Capture:
    """A frame filter that keeps copies of the frames it is asked to."""

    def __init__(self, wanted: Sequence[int]) -> None:
        self.wanted = set(wanted)
        self.frames: dict[int, np.ndarray] = {}

    def apply(self, frame: Frame, index: int) -> Frame:
        if index in self.wanted:
            self.frames[index] = frame.image.copy()
        return frame


def state(result: SceneResult, speaker: int, frame: int) -> FaceState:
    track = result.tracks[speaker]
    return next(islice(face_states(track.mouth, track.face), frame, None))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_puts_each_speaker_in_its_region(layout: str, tmp_path: Path) -> None:
    n = 3 if layout in ("grid", "pip", "closeups") else 2
    scene = SceneSpec(
        speakers(n), layout, width=SIZE[0], height=SIZE[1], lower_thirds=False, active_ring=False
    )
    capture = Capture(range(0, 2000, 7))
    result = render_scene(dialogue(n), scene, tmp_path / f"{layout}.mp4", filters=[capture])
    assert probe(result.path).n_frames == result.n_frames
    checked = set()
    for k, image in capture.frames.items():
        shot = result.shot_at(k)
        for region in shot.regions:
            r = region.rect
            # off the rounded corners, and left of any inset drawn over this region
            right = min([o.rect.x - r.x for o in shot.regions if o.rect.x > r.x] + [r.w]) - 6
            inner = np.s_[r.y + 6 : r.y + r.h - 6, r.x + 6 : r.x + right]
            own = open_avatar(f"template:{TEMPLATES[region.speaker]}", r.w, r.h)
            expected = own.render(state(result, region.speaker, k)).image[6:-6, 6:right].copy()
            assert differing(image[inner], expected) < 20  # this speaker, at this frame
            other = (region.speaker + 1) % n
            wrong = own.render(state(result, other, k)).image[6:-6, 6:right]
            clear = 0.002 * r.w * r.h
            if differing(wrong, expected) > clear:  # the other speaker's face state would show
                checked.add(region.speaker)
                assert differing(image[inner], wrong) > clear
    assert checked == set(range(n))


def edge_energy(image: np.ndarray) -> float:
    """How much detail a picture holds (an open mouth shows lips, teeth and a cavity)."""
    pixels = image.astype(int)
    return float(np.abs(np.diff(pixels, axis=0)).mean() + np.abs(np.diff(pixels, axis=1)).mean())


def differing(a: np.ndarray, b: np.ndarray) -> int:
    """Pixels of two pictures that differ clearly."""
    return int((np.abs(a.astype(int) - b).max(axis=2) > 40).sum())


def test_split_scene_mouths_sound_and_length(tmp_path: Path) -> None:
    scene = SceneSpec(speakers(2, (-4, 8)), "split", width=SIZE[0], height=SIZE[1])
    text = "Alex: Bob bought a map. Papa ate a pie.\nSam: Mama made me a mop. Pop a bubble.\n"
    result = render_scene(text, scene, tmp_path / "split.mp4")
    info = probe(result.path)
    assert info.video_duration_s == pytest.approx(result.n_frames / scene.fps, abs=1e-3)
    assert info.audio_duration_s == pytest.approx(info.video_duration_s, abs=1 / scene.fps)
    assert info.video_duration_s == pytest.approx(result.conversation.duration_ms / 1000, abs=0.05)
    # each panel's mouth area is busy (lips apart, teeth) when its own speaker's jaw opens
    frames = list(read_video_frames(result.path))
    region = result.shots[0].regions
    for who in (0, 1):
        r = region[who].rect
        box = CreatorAvatar(get_template(TEMPLATES[who]).spec, r.w, r.h).mouth_box
        edges = [edge_energy(f[r.y + box.y :, r.x + box.x :][: box.h, : box.w]) for f in frames]
        assert np.corrcoef(edges, result.tracks[who].mouth.channel("jaw"))[0, 1] > 0.7
        assert np.corrcoef(edges, result.tracks[1 - who].mouth.channel("jaw"))[0, 1] < 0.2
    # the file's sound holds both voices, in order: the low one, then the high one
    audio, rate = read_audio(result.path, result.sample_rate)
    pitches = [
        median_f0(audio[t.start_ms * rate // 1000 : t.end_ms * rate // 1000], rate)
        for t in result.conversation.turns
    ]
    assert pitches[1] > 1.5 * pitches[0]


def test_lower_third_appears_at_a_speakers_first_turn(tmp_path: Path) -> None:
    scene = SceneSpec(speakers(2), "split", width=SIZE[0], height=SIZE[1], active_ring=False)
    capture = Capture(range(600))
    result = render_scene(dialogue(2), scene, tmp_path / "names.mp4", filters=[capture])
    assert [b.speaker for b in result.banners] == [0, 1]
    for banner in result.banners:
        turn = next(t for t in result.conversation.turns if t.speaker == banner.speaker)
        assert banner.start == round(turn.start_ms * scene.fps / 1000)
        who = scene.speakers[banner.speaker]
        third = LowerThird(who.name, who.title, who.colour, banner.region.rect, SIZE, Showing(0, 1))
        r = Rect(third.x, third.y, third.image.shape[1], third.image.shape[0])
        assert r.y + r.h <= banner.region.rect.y + banner.region.rect.h  # in the speaker's panel
        plate = np.s_[r.y : r.y + r.h, r.x : r.x + r.w]
        before, shown = capture.frames[banner.start - 1], capture.frames[banner.start + 12]
        gone = capture.frames[banner.end + 2]
        assert differing(before[plate], shown[plate]) > 0.6 * r.w * r.h  # the plate is there
        assert differing(gone[plate], shown[plate]) > 0.6 * r.w * r.h  # and gone again


def test_cli_scene_with_json_progress(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    cv2.imwrite(str(logo), np.full((40, 80, 4), 255, np.uint8))
    (tmp_path / "scene.yaml").write_text(
        "title: {text: The Show, subtitle: Episode 1, duration: 1.5}\n"
        "layout: closeups\nsize: 480x270\nlogo: logo.png\ntransition: fade\n"
        "background: {gradient: ['#102030', '#403050']}\n"
        "speakers:\n"
        "  alex: {avatar: 'template:maya', voice: espeak-en, name: Alex, title: Host}\n"
        "  sam: {avatar: 'template:kwame', voice: espeak-en, name: Sam, title: Guest}\n",
        encoding="utf-8",
    )
    (tmp_path / "talk.txt").write_text(dialogue(2), encoding="utf-8")
    out = tmp_path / "talk.mp4"
    err = io.StringIO()
    args = ["scene", str(tmp_path / "talk.txt"), "--scene", str(tmp_path / "scene.yaml")]
    with redirect_stderr(err):
        code = main([*args, "-o", str(out), "--json", "--size", "512x288"])
    assert code == 0
    events = [json.loads(line) for line in err.getvalue().splitlines() if line.startswith("{")]
    assert {e["stage"] for e in events if e["event"] == "progress"} >= {"speech", "render"}
    done = events[-1]
    assert done["event"] == "done" and done["speakers"] == ["alex", "sam"]
    assert (probe(out).width, probe(out).height) == (512, 288)
    assert done["duration_s"] == pytest.approx(probe(out).video_duration_s, abs=0.05)
    assert done["shots"][0]["kind"] == "wide" and len(done["shots"]) >= 3
    assert all(
        r["w"] == 512 for s in done["shots"][1:] if s["kind"] != "wide" for r in s["regions"]
    )
    # a mistake in the dialogue: one line on stderr, exit status 2, no file
    (tmp_path / "bad.txt").write_text("Alex: Hi.\nJo: Hello.\n", encoding="utf-8")
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(
            [
                "scene",
                str(tmp_path / "bad.txt"),
                "--scene",
                str(tmp_path / "scene.yaml"),
                "-o",
                str(tmp_path / "bad.mp4"),
            ]
        )
    assert code == 2 and "error: line 2: unknown speaker 'Jo'" in err.getvalue()
    assert not (tmp_path / "bad.mp4").exists()


def test_contact_sheet_of_every_layout(tmp_path: Path) -> None:
    """A PNG with one frame of each layout (``PERSONA_SHEET_DIR`` keeps it to look at)."""
    tiles = []
    for layout in LAYOUTS:
        n = 4 if layout in ("grid", "pip") else 3 if layout == "closeups" else 2
        scene = SceneSpec(speakers(n), layout, width=SIZE[0], height=SIZE[1])
        capture = Capture(range(2000))
        result = render_scene(dialogue(n), scene, tmp_path / f"{layout}.mp4", filters=[capture])
        turn = result.conversation.turns[1]
        k = round((turn.start_ms + 1500) * scene.fps / 1000)
        tile = capture.frames[k].copy()
        cv2.putText(tile, layout, (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 255, 255), 2)
        tiles.append(tile)
        if layout in ("pip", "closeups"):
            assert result.shot_at(k).regions[0].style == FULL
    sheet = np.vstack([np.hstack(tiles[i : i + 3]) for i in range(0, len(tiles), 3)])
    folder = Path(os.environ.get("PERSONA_SHEET_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(folder / "scene-layouts.png"), sheet)
    assert sheet.shape == (2 * SIZE[1], 3 * SIZE[0], 3)


def test_a_scene_with_a_photo_avatar(tmp_path: Path, portrait_path: Path) -> None:
    cast = (speakers(1)[0], Speaker("eileen", "Eileen", str(portrait_path), voice="espeak-en"))
    scene = SceneSpec(cast, "split-60-40", width=SIZE[0], height=SIZE[1])
    text = "Alex: Who flew the shuttle?\nEileen: I did, twice as pilot and twice as commander.\n"
    result = render_scene(text, replace(scene, seed=3), tmp_path / "photo.mp4")
    assert probe(result.path).n_frames == result.n_frames
    assert result.shots[0].regions[0].rect.w > result.shots[0].regions[1].rect.w  # the host


def test_a_photo_without_a_face_fails_before_anything_is_written(tmp_path: Path) -> None:
    blank = tmp_path / "wall.jpg"
    cv2.imwrite(str(blank), np.full((300, 300, 3), 180, np.uint8))
    cast = (speakers(1)[0], Speaker("wall", "Wall", str(blank), voice="espeak-en"))
    scene = SceneSpec(cast, "split", width=SIZE[0], height=SIZE[1])
    with pytest.raises(NoFaceError, match="no face found"):
        render_scene("Alex: Hello?\nWall: Hello.\n", scene, tmp_path / "wall.mp4")
    assert list(tmp_path.iterdir()) == [blank]
