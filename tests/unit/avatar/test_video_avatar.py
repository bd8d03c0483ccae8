"""Video avatar parts on synthetic data: clip checks, frame timing, loop search, mouth
geometry, the model file and the renderer's sample choice."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from tests.unit.avatar.videomodels import GREY, face_points, grey_model, rewrite_model, shown
from tests.videoclips import write_still_clip

from persona.avatar import topology as tp
from persona.avatar.video.harvest import (
    ANCHORS,
    PER_VISEME,
    apply,
    mouth_box,
    pick_samples,
    similarity,
    viseme_contexts,
)
from persona.avatar.video.ingest import iter_frames, open_clip, turn, upright_turn
from persona.avatar.video.loop import LoopPlan, loop_frames, plan_loop, speaking_frames
from persona.avatar.video.model import VideoModel, atlas, unpack_atlas
from persona.avatar.video.render import VideoAvatar
from persona.avatar.video.track import Track
from persona.errors import AudioError, InputError, VideoError
from persona.lipsync import animate
from persona.lipsync.visemes import VISEMES
from persona.types import SILENCE, FaceState, MouthTrack, Phone, Speech

# ---------------------------------------------------------------------------- ingest


def test_rotation_tags_turn_frames_upright() -> None:
    assert [upright_turn(r) for r in (0, -90, 90, 180, -180, 270)] == [0, 90, 270, 180, 180, 90]
    image = np.arange(6, dtype=np.uint8).reshape(2, 3, 1)
    clockwise = turn(image, 90)
    assert clockwise.shape == (3, 2, 1)
    assert clockwise[0, :, 0].tolist() == [3, 0]  # the left column becomes the top row
    assert turn(image, 0) is not None and np.array_equal(turn(clockwise, 270), image)


def test_missing_and_corrupt_files_are_video_errors(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="not found"):
        open_clip(tmp_path / "nope.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x01 not a video " * 100)
    with pytest.raises(VideoError, match=r"cannot read video junk\.mp4"):
        open_clip(junk)


@pytest.mark.slow
def test_clip_without_audio_is_an_audio_error(tmp_path: Path) -> None:
    path = write_still_clip(tmp_path / "mute.mp4", _still(), 16.0, audio=False)
    with pytest.raises(AudioError, match="no audio track"):
        open_clip(path)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seconds", "message"),
    [(5.0, r"5\.\d s long; a video avatar needs 15"), (121.0, "at most 120")],
)
def test_clip_length_limits(tmp_path: Path, seconds: float, message: str) -> None:
    path = write_still_clip(tmp_path / "clip.mkv", _still(), seconds, fps=1)
    with pytest.raises(VideoError, match=message):
        open_clip(path)


@pytest.mark.slow
def test_variable_frame_timing_maps_to_the_nearest_picture(tmp_path: Path) -> None:
    """Pictures at uneven times (and one missing) land on the working frames nearest
    them; a 1080-line clip is read at 720 lines."""
    path = tmp_path / "vfr.mp4"
    times_ms = [0, 50, 75, 130, 160, 240, 280]  # 240: the picture for 200 ms is missing
    times_ms += [320 + 1000 * i for i in range(16)]
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=25)
        vs.width, vs.height, vs.pix_fmt = 1920, 1080, "yuv420p"
        vs.codec_context.time_base = vs.time_base = Fraction(1, 1000)
        vs.options = {"preset": "ultrafast", "crf": "10"}
        vs.codec_context.thread_count = 1
        sound = out.add_stream("aac", rate=16000)
        for i, t in enumerate(times_ms):
            frame = av.VideoFrame.from_ndarray(
                np.full((1080, 1920, 3), 20 * i % 240, np.uint8), "bgr24"
            )
            frame.pts, frame.time_base = t, Fraction(1, 1000)
            for packet in vs.encode(frame):
                out.mux(packet)
        for packet in vs.encode():
            out.mux(packet)
        hum = av.AudioFrame.from_ndarray(np.full((1, 1024), 0.1, np.float32), "flt", "mono")
        hum.sample_rate = 16000
        for packet in [*sound.encode(hum), *sound.encode()]:
            out.mux(packet)
    info = open_clip(path)
    assert (info.work_width, info.work_height) == (1280, 720)
    got = {k: round(np.median(img) / 20) for k, img in iter_frames(info, wanted=range(8))}
    # working frame k shows time 40k ms: 0→0, 40→50 (#1), 80→75 (#2), 120→130 (#3),
    # 160→160 (#4), 200→? (#4 at 160 or #5 at 240: 240 is 40 away, 160 is 40 away)
    assert [got[k] for k in (0, 1, 2, 3, 4)] == [0, 1, 2, 3, 4]
    assert got[5] in (4, 5) and got[6] == 5 and got[7] == 6


def _still() -> np.ndarray:
    image = np.zeros((64, 96, 3), np.uint8)
    image[:] = GREY
    return image


# ---------------------------------------------------------------------------- loop


def _track(small: np.ndarray) -> Track:
    n = small.shape[0]
    points = np.tile(face_points()[None], (n, 1, 1))
    return Track(
        points=points,
        depth=np.zeros((n, tp.N_POINTS), np.float32),
        found=np.ones(n, bool),
        small=small,
        small_scale=1.0,
        sharpness=np.ones(n, np.float32),
    )


def test_loop_points_are_where_the_pictures_repeat() -> None:
    """A pattern that repeats every 60 frames: the loop must be 60 (or 120) frames long
    and its seam as close as the pictures allow."""
    n, period = 300, 60
    k = np.arange(n)
    phase = 2 * np.pi * k / period
    xs = np.linspace(0, 2 * np.pi, 96)
    small = 128 + 60 * np.sin(xs[None, None, :] + phase[:, None, None]) * np.ones((1, 54, 1))
    small += np.random.default_rng(1).normal(0, 2, small.shape)
    track = _track(np.clip(small, 0, 255).astype(np.uint8))
    plan = plan_loop(track, np.zeros(n, bool), 25.0)
    assert plan.mode == "idle"
    assert plan.length % period in (0, 1, period - 1), plan
    assert plan.seam < 0.03


def test_speaking_clip_loops_with_the_mouth_replaced() -> None:
    small = np.random.default_rng(2).integers(0, 255, (200, 54, 96)).astype(np.uint8)
    plan = plan_loop(_track(small), np.ones(200, bool), 25.0)
    assert plan.mode == "replaced"
    assert plan.start >= plan.fade and 50 <= plan.length <= 200


def test_speaking_frames_pad_the_phones() -> None:
    phones = (Phone(SILENCE, 0, 1000), Phone("a", 1000, 1200), Phone(SILENCE, 1200, 3000))
    speech = Speech(np.zeros(48000, np.float32), 16000, phones)
    mask = speaking_frames(speech, 75, 25.0)
    assert mask[20:35].all() and not mask[:19].any() and not mask[36:].any()


def test_cross_fade_leads_into_the_first_frame() -> None:
    frames = {k: np.full((2, 2), k * 10, np.uint8) for k in range(0, 30)}
    plan = LoopPlan(start=4, stop=24, fade=3, mode="idle", seam=0.0)
    loop = loop_frames(frames, plan)
    values = [int(f[0, 0]) for f in loop]
    assert values[:17] == [k * 10 for k in range(4, 21)]
    # the last three blend frames 21..23 with 1..3 (those lead into frame 4)
    assert values[17:] == [210 * 0.75 + 10 * 0.25, 220 * 0.5 + 20 * 0.5, 230 * 0.25 + 30 * 0.75]


# ---------------------------------------------------------------------------- geometry


def test_similarity_undoes_a_known_motion() -> None:
    src = face_points()[list(ANCHORS)]
    angle, scale, shift = math.radians(7), 1.3, np.array([12.0, -5.0])
    rot = scale * np.array(
        [[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]]
    )
    dst = src @ rot.T + shift
    m = similarity(src, dst)
    assert np.allclose(m[:, :2], rot, atol=1e-6) and np.allclose(m[:, 2], shift, atol=1e-4)
    assert np.allclose(apply(m, src), dst, atol=1e-4)


def test_mouth_mask_is_feathered_to_zero_at_the_crop_edge() -> None:
    box = mouth_box(face_points())
    mask = box.mask()
    assert mask.shape == (box.h, box.w)
    assert mask.max() > 0.99 and mask[box.h // 2, box.w // 2] > 0.99
    edges = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
    assert edges.max() < 0.02


def test_samples_are_picked_per_viseme_spread_out_and_varied() -> None:
    """Syllables b-ɑ-u, f-ɑ-i, t-ɑ-u ...: the kept mouths of a viseme are its fully
    reached frames, a few frames apart, and those of ɑ come from different contexts."""
    phones = [Phone(SILENCE, 0, 200)]
    t = 200
    for i in range(9):
        for sym, dur in (("bft"[i % 3], 80), ("ɑ", 200), ("ui"[i % 2], 200)):
            phones.append(Phone(sym, t, t + dur))
            t += dur
        phones.append(Phone(SILENCE, t, t + 100 + 20 * i))
        t += 100 + 20 * i
    speech = Speech(np.zeros(t * 16, np.float32), 16000, tuple(phones))
    mouth = animate(speech, 25.0)
    n = mouth.n_frames
    points = np.tile(face_points()[None], (n, 1, 1))
    jaw = mouth.channel("jaw")
    points[:, tp.LOWER_LIP_CENTER, 1] += 6 * jaw  # the tracked lips follow the phones
    track = Track(
        points, np.zeros((n, tp.N_POINTS), np.float32), np.ones(n, bool),
        np.zeros((n, 4, 4), np.uint8), 1.0, np.ones(n, np.float32),
    )  # fmt: skip
    picks = pick_samples(track, mouth, reference=0)
    assert picks[0].viseme == "X" and picks[0].frame == 0 and not picks[0].params.any()
    before, after = viseme_contexts(mouth.visemes)
    by_viseme: dict[str, list[int]] = {}
    for p in picks[1:]:
        by_viseme.setdefault(p.viseme, []).append(p.frame)
        assert mouth.visemes[p.frame] == p.viseme
        assert (p.before, p.after) == (before[p.frame], after[p.frame])
    assert {"MBP", "FV", "AA", "OO", "EE"} <= set(by_viseme)
    for frames in by_viseme.values():
        assert 1 <= len(frames) <= PER_VISEME
        assert all(abs(a - b) >= 4 for a in frames for b in frames if a != b)
    aa = [p for p in picks if p.viseme == "AA"]
    assert all(jaw[p.frame] > 0.5 for p in aa)
    contexts = {(p.before, p.after) for p in aa}
    assert len(aa) >= 4 and len(contexts) == len(aa), [(p.before, p.after) for p in aa]
    assert {p.before for p in aa} >= {"MBP", "FV"} and {p.after for p in aa} == {"OO", "EE"}
    assert all(jaw[p.frame] == 0.0 for p in picks if p.viseme == "MBP")


def test_viseme_contexts_are_the_neighbouring_runs() -> None:
    before, after = viseme_contexts(["X", "X", "MBP", "AA", "AA", "OO", "X"])
    assert before == ("", "", "X", "MBP", "MBP", "AA", "OO")
    assert after == ("MBP", "MBP", "AA", "OO", "OO", "X", "")
    assert viseme_contexts([]) == ((), ())


# ---------------------------------------------------------------------------- model + render


def test_model_file_round_trip(tmp_path: Path) -> None:
    model = grey_model()
    path = model.save(tmp_path / "m.zip")
    assert not list(tmp_path.glob(".*partial"))
    back = VideoModel.load(path)
    assert (
        back.n_loop == 10 and back.mode == "idle" and back.samples.visemes == model.samples.visemes
    )
    assert np.array_equal(back.samples.crops, model.samples.crops)
    assert np.allclose(back.loop_points, model.loop_points)
    assert back.facts == model.facts
    assert np.abs(back.loop_frame(3).astype(int) - model.loop_frame(3)).max() == 0


def test_damaged_or_newer_model_file_is_an_input_error(tmp_path: Path) -> None:
    path = grey_model().save(tmp_path / "m.zip")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="damaged"):
        VideoModel.load(path)
    path.write_bytes(data)
    rewrite_model(path, lambda index: {**index, "format": "two"})
    with pytest.raises(InputError, match="damaged: unknown model format 'two'"):
        VideoModel.load(path)
    rewrite_model(path, lambda index: {**index, "format": 9})
    with pytest.raises(InputError, match="format 9, newer than this version"):
        VideoModel.load(path)
    with pytest.raises(InputError, match="not found"):
        VideoModel.load(tmp_path / "none.zip")


def test_atlas_packs_and_unpacks() -> None:
    crops = np.random.default_rng(0).integers(0, 255, (11, 5, 7, 3)).astype(np.uint8)
    sheet = atlas(crops, columns=4)
    assert sheet.shape == (15, 28, 3)
    assert np.array_equal(unpack_atlas(sheet, 11, 5, 7), crops)


def test_render_any_size_and_loop_playback() -> None:
    model = grey_model()
    for w, h in ((320, 180), (180, 320), (256, 256)):
        frame = VideoAvatar(model, w, h).render(FaceState.rest())
        assert frame.image.shape == (h, w, 3)
    loop = VideoAvatar(model, 96, 54, fps=50)
    assert [loop.loop_index(k) for k in (0, 2, 19, 20, 21)] == [0, 1, 9, 0, 0]
    pingpong = VideoAvatar(model, 96, 54, playback="pingpong")
    assert [pingpong.loop_index(k) for k in (0, 9, 10, 17, 18, 19)] == [0, 9, 8, 1, 0, 1]
    with pytest.raises(ValueError, match="playback"):
        VideoAvatar(model, 96, 54, playback="bounce")


def test_idle_loop_shows_its_own_mouth_at_rest_and_samples_when_talking() -> None:
    avatar = VideoAvatar(grey_model("idle"), 192, 108)
    assert shown(avatar, FaceState.rest()) == pytest.approx(GREY, abs=3)
    aa = shown(avatar, FaceState(mouth=VISEMES["AA"].target, viseme="AA"))
    oo = shown(avatar, FaceState(mouth=VISEMES["OO"].target, viseme="OO", frame=5))
    assert aa == pytest.approx((100, 140, 60), abs=6)
    assert oo == pytest.approx((140, 110, 60), abs=6)
    replaced = VideoAvatar(grey_model("replaced"), 192, 108)
    assert shown(replaced, FaceState.rest()) == pytest.approx((20, 200, 60), abs=6)


def test_samples_do_not_flicker() -> None:
    """Over a sentence's mouth track, the shown sample changes no more often than the
    viseme does, and a change is blended over one frame."""
    phones = [Phone(SILENCE, 0, 100)]
    t = 100
    for sym in "bɑbuibɑmuɑbi":
        dur = 70 if sym in "bm" else 160
        phones.append(Phone(sym, t, t + dur))
        t += dur
    phones.append(Phone(SILENCE, t, t + 300))
    speech = Speech(np.zeros((t + 300) * 16, np.float32), 16000, tuple(phones))
    mouth: MouthTrack = animate(speech, 25.0)
    avatar = VideoAvatar(grey_model("replaced"), 192, 108)
    colours, changes_of_viseme = [], 0
    for k in range(mouth.n_frames):
        state = FaceState(mouth=tuple(mouth.params[k]), frame=k, viseme=mouth.visemes[k])
        colours.append(shown(avatar, state))
        changes_of_viseme += k > 0 and mouth.visemes[k] != mouth.visemes[k - 1]
    changes = sum(a != b for a, b in itertools.pairwise(colours))
    assert changes <= 2 * changes_of_viseme  # a change shows a blend frame, then the sample
