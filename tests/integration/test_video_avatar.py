"""A video avatar trained from a generated clip, saved, reopened and made to say something
new — its mouths chosen by context without flicker, drawn over transparency, trained
upright from clips stored turned — and the clips it must refuse."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from persona.avatar import topology as tp
from persona.avatar.base import CutoutAvatar
from persona.avatar.landmarks import default_landmarker
from persona.avatar.store import AvatarRecord, AvatarStore
from persona.avatar.video import (
    VideoAvatar,
    VideoModel,
    create_video_avatar,
    open_video_avatar,
    train_video_avatar,
)
from persona.avatar.video.harvest import PER_VISEME
from persona.avatar.video.sheet import mouth_flicker, seam_strip
from persona.errors import NoFaceError, VideoFaceError
from persona.lipsync import animate
from persona.lipsync.visemes import VISEMES
from persona.media import probe, read_video_frames
from persona.pipeline import render_video
from persona.types import SILENCE, FaceState, MouthTrack, Phone, RenderOptions, Speech, VideoSpec
from tests.videoclips import (
    Rendered,
    TalkingClip,
    read_rotation,
    render_talking,
    write_clip,
    write_still_clip,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    return render_talking()


@pytest.fixture(scope="module")
def saved(
    rendered: Rendered, tmp_path_factory: pytest.TempPathFactory
) -> tuple[AvatarStore, AvatarRecord]:
    """A handheld-looking MP4, trained with the real speech recogniser into the store."""
    root = tmp_path_factory.mktemp("video-avatar")
    clip = write_clip(rendered, root / "me.mp4")
    store = AvatarStore(root / "avatars")
    events: list[str] = []
    record = create_video_avatar(
        clip.path, "Me", store=store, progress=lambda s, f, o: events.append(s)
    )
    assert {"read", "track", "speech", "loop", "harvest"} <= set(events)
    return store, record


@pytest.fixture(scope="module")
def model(saved: tuple[AvatarStore, AvatarRecord]) -> VideoModel:
    store, record = saved
    return VideoModel.load(store.file(record, record.latest.source["model"]))


@pytest.fixture(scope="module")
def phone_clip(rendered: Rendered, tmp_path_factory: pytest.TempPathFactory) -> TalkingClip:
    """A phone-like MKV: variable frame timing, dropped frames, and landscape pictures
    of a camera held upright, tagged to be turned 90° clockwise when shown."""
    path = tmp_path_factory.mktemp("known") / "phone.mkv"
    return write_clip(rendered, path, drift=False, noise=2.0, jitter=True, rotation=90)


@pytest.fixture(scope="module")
def known(phone_clip: TalkingClip) -> VideoModel:
    """The phone clip trained with the phones it was rendered from, so its mouth track
    is known exactly."""
    return train_video_avatar(phone_clip.path, speech=phone_clip.speech)


def test_saved_as_a_video_avatar(saved: tuple[AvatarStore, AvatarRecord]) -> None:
    store, record = saved
    assert record.kind == "video" and record.name == "Me"
    source = record.latest.source
    assert store.file(record, source["video"]).suffix == ".mp4"
    assert store.file(record, source["model"]).suffix == ".zip"
    assert record.meta["video"]["loop"]["mode"] == "idle"
    again = store.get(record.id)
    avatar = open_video_avatar(again, 320, 180, store=store)
    assert avatar.render(FaceState.rest()).image.shape == (180, 320, 3)


def test_idle_loop_seam_is_smooth(model: VideoModel) -> None:
    """The loop lies in a silent stretch, and after the cross-fade the step from its last
    frame to its first is no bigger than the steps inside the fade."""
    assert model.mode == "idle"
    assert model.facts["loop"]["seam"] < 0.2
    avatar = VideoAvatar(model, model.width, model.height, fps=model.fps)
    m = model.n_loop
    assert m >= 2 * model.fps

    def grey(i: int) -> np.ndarray:
        return cv2.cvtColor(model.loop_frame(i % m), cv2.COLOR_BGR2GRAY).astype(np.float32)

    def step(i: int) -> float:
        return float(np.sqrt(np.mean((grey(i + 1) - grey(i)) ** 2)))

    fade = model.facts["loop"]["fade"]
    seam = step(m - 1)
    inside = [step(i) for i in range(m - fade - 1, m - 1)]
    assert seam / 255 < 0.06
    assert seam <= 1.5 * max(inside) + 1.0, (seam, inside)
    strip = seam_strip(avatar)
    assert strip.shape[0] > 100


def test_visemes_are_harvested_several_each_in_different_contexts(model: VideoModel) -> None:
    covered = model.facts["visemes_covered"]
    assert len(covered) >= 10, covered
    assert {"MBP", "AA", "OO"} <= set(covered)
    s = model.samples
    assert s.visemes[0] == "X" and s.crops.shape[0] == len(s) == model.facts["samples"]
    counts = Counter(s.visemes[1:])
    assert max(counts.values()) <= PER_VISEME
    assert sum(n >= 3 for n in counts.values()) >= 4, counts
    for name in counts:
        contexts = [s.context(j) for j in range(len(s)) if s.visemes[j] == name]
        assert all(b != name and a != name for b, a in contexts)
        assert all(b or a for b, a in contexts)  # known, except at the clip's very ends


def _mouth_region(avatar: VideoAvatar, state: FaceState) -> np.ndarray:
    image = avatar.render(state).image.astype(np.float32)
    box = avatar.model.samples.box
    corners = np.array([[box.x, box.y], [box.x + box.w, box.y + box.h]], np.float64)
    (x0, y0), (x1, y1) = corners @ avatar._place[:, :2].T + avatar._place[:, 2]
    return image[int(y0) : int(y1), int(x0) : int(x1)]


def test_open_vowel_and_closure_look_different(model: VideoModel) -> None:
    avatar = VideoAvatar(model, 640, 360)
    open_ = _mouth_region(avatar, FaceState(mouth=VISEMES["AA"].target, viseme="AA"))
    closed = _mouth_region(avatar, FaceState(mouth=VISEMES["MBP"].target, viseme="MBP"))
    rest = _mouth_region(avatar, FaceState(mouth=VISEMES["X"].target))
    assert np.abs(open_ - closed).mean() > 4.0
    assert np.abs(open_ - rest).mean() > 1.5 * np.abs(closed - rest).mean()
    # an open mouth is darker inside than closed lips
    h, w = open_.shape[:2]
    centre = (slice(h // 3, 2 * h // 3), slice(w // 3, 2 * w // 3))
    assert open_[centre].mean() < closed[centre].mean() - 3.0


def test_says_a_new_sentence(model: VideoModel, tmp_path: Path) -> None:
    spec = VideoSpec(width=448, height=256, fps=25)
    avatar = VideoAvatar(model, spec.width, spec.height, fps=spec.fps)
    out = tmp_path / "new.mp4"
    result = render_video(
        "Bob bought a map.", avatar, out, RenderOptions(video=spec, voice="joe", lang="en")
    )
    info = probe(out)
    assert (info.width, info.height) == (448, 256) and info.n_frames == result.n_frames
    frames = list(read_video_frames(out))
    jaw = result.mouth.channel("jaw")
    order = np.argsort(jaw[5:-5]) + 5  # the ends are silence
    shut, opened = order[:5], order[-5:]
    box = model.samples.box
    place = avatar._place
    (x0, y0), (x1, y1) = (
        np.array([[box.x, box.y], [box.x + box.w, box.y + box.h]]) @ place[:, :2].T + place[:, 2]
    )
    third_w, third_h = (x1 - x0) / 3, (y1 - y0) / 3  # the middle: lips and teeth
    region = (
        slice(int(y0 + third_h), int(y1 - third_h)),
        slice(int(x0 + third_w), int(x1 - third_w)),
    )
    # The five most open frames against the five most shut ones (one frame each was too
    # noisy: the trained samples vary with the generated clip's speech between runs).
    stack = np.stack(frames).astype(np.float32)
    open_mean = stack[opened][:, region[0], region[1]].mean(axis=0)
    shut_mean = stack[shut][:, region[0], region[1]].mean(axis=0)
    diff = float(np.abs(open_mean - shut_mean).mean())
    assert diff > 2.0, diff


def test_variable_rate_mkv_with_known_phones(known: VideoModel) -> None:
    covered = known.facts["visemes_covered"]
    assert len(covered) >= 14, covered
    assert known.facts["clip"]["name"] == "phone.mkv"
    stages = {"read", "track", "speech", "loop", "harvest", "cutout"}
    assert set(known.facts["timings"]) == stages


def test_replaying_the_clip_picks_each_sample_in_its_own_context(
    known: VideoModel, rendered: Rendered
) -> None:
    """Saying the clip's own speech again, the frame a sample was cut from shows that
    very sample (its shape and its neighbours match best) in most cases, and always a
    sample of the same viseme, among several."""
    mouth = animate(rendered.speech, known.fps)
    s = known.samples
    counts = Counter(s.visemes)
    rows = [j for j in range(1, len(s)) if counts[s.visemes[j]] >= 2]
    hits = same = 0
    for j in rows:
        avatar = VideoAvatar(known, 240, 136)
        avatar.prepare(mouth)
        frame = int(s.frames[j])
        for k in range(max(0, frame - 12), frame + 1):
            state = FaceState(mouth=tuple(mouth.params[k]), frame=k, viseme=mouth.visemes[k])
            avatar.render(state)
        shown = avatar.shown_sample
        hits += shown == j
        same += shown is not None and s.visemes[shown] == s.visemes[j]
    assert len(rows) >= 20
    assert hits >= 0.7 * len(rows), (hits, len(rows))
    assert same >= 0.9 * len(rows), (same, len(rows))


def _sentence() -> MouthTrack:
    """The mouth track of a sentence the clip never said ("hello, Bob bought a map;
    would you like to join?"), from phones with plain timings."""
    phones = [Phone(SILENCE, 0, 200)]
    t = 200
    words = ("h ə l oʊ", "_", "b ɑ b", "b ɔ t", "ə", "m æ p", "_", "w ʊ d", "j u", "l aɪ k")
    for sym in (p for word in (*words, "t u", "d ʒ ɔɪ n") for p in word.split()):
        dur = 240 if sym == "_" else 70 if sym in "bpmtdk" else 130
        phones.append(Phone(SILENCE if sym == "_" else sym, t, t + dur))
        t += dur
    phones.append(Phone(SILENCE, t, t + 300))
    speech = Speech(np.zeros((t + 300) * 16, np.float32), 16000, tuple(phones))
    return animate(speech, 25.0)


def test_several_samples_flicker_no_more_than_one(model: VideoModel) -> None:
    mouth = _sentence()
    several = mouth_flicker(VideoAvatar(model, 480, 270), mouth)
    single = replace(model, samples=model.samples.limited(1))
    one = mouth_flicker(VideoAvatar(single, 480, 270), mouth)
    # Several samples ÷ one: 0.93 to 1.06 over avatars and sentences, and the trained
    # model varies with the generated clip's speech from run to run.
    assert several.step <= 1.10 * one.step, (several, one)


def test_cut_out_over_transparency(model: VideoModel) -> None:
    assert len(model.masks) == model.n_loop
    avatar = VideoAvatar(model, 480, 270)
    assert isinstance(avatar, CutoutAvatar)
    state = FaceState(mouth=VISEMES["AA"].target, viseme="AA", frame=7)
    bgra = avatar.render_bgra(state).copy()
    opaque = avatar.render(state).image
    alpha = bgra[:, :, 3]
    inner = [*tp.OUTER_LIP_RING, 1, 4, 6, 168, 33, 133, 362, 263, 10, 152]  # lips to brow
    face = model.loop_points[avatar.loop_index(7)][inner] @ avatar._place[:, :2].T
    x, y = np.round(face + avatar._place[:, 2]).astype(int).T
    assert alpha[y, x].min() == 255  # lips, nose, eyes, forehead, chin
    assert np.array_equal(bgra[y, x, :3], opaque[y, x])
    assert alpha[:40, :40].mean() < 20 and alpha[:40, -40:].mean() < 20  # flag, shuttle
    assert 0.15 < alpha.mean() / 255 < 0.7
    assert (bgra[:, :, :3].max(axis=2) <= alpha).all()


# ---------------------------------------------------------------------------- rotation


def _assert_upright(image: np.ndarray) -> None:
    """One face, eyes above mouth above chin, eye line level."""
    faces = default_landmarker().detect(np.ascontiguousarray(image))
    assert faces, "no face found"
    p = faces[0].points
    eyes, mouth, chin = p[[33, 133, 362, 263]].mean(axis=0), p[[13, 14]].mean(axis=0), p[152]
    assert eyes[1] < mouth[1] < chin[1]
    (lx, ly), (rx, ry) = p[33], p[263]
    assert abs(np.degrees(np.arctan2(ry - ly, rx - lx))) < 15


def _few_phones(seconds: float) -> Speech:
    """Silence, a few syllables at 4 s, silence: enough speech to harvest a few mouths."""
    phones = [Phone(SILENCE, 0, 4000)]
    t = 4000
    for sym in "bɑbuifɑ":
        phones.append(Phone(sym, t, t + 150))
        t += 150
    phones.append(Phone(SILENCE, t, round(seconds * 1000)))
    return Speech(np.zeros(round(seconds * 16000), np.float32), 16000, tuple(phones))


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_clip_stored_turned_trains_and_renders_upright(
    portrait: np.ndarray, tmp_path: Path, rotation: int
) -> None:
    """A still clip stored turned with a display matrix, as phones store portrait video:
    the avatar learns the upright picture and draws it upright, cut out too."""
    canvas = cv2.resize(portrait, (480, 480), interpolation=cv2.INTER_AREA)[:270].copy()
    path = write_still_clip(tmp_path / "turned.mp4", canvas, 16.0, fps=1, rotation=rotation)
    if read_rotation(path) != rotation:
        pytest.skip("this PyAV cannot write a display matrix (PyAV 18 or later can)")
    model = train_video_avatar(path, speech=_few_phones(16.0))
    assert model.facts["clip"]["rotation"] == rotation
    assert (model.width, model.height) == (480, 270)
    assert np.abs(model.reference.astype(int) - canvas).mean() < 8
    assert np.abs(model.reference.astype(int) - canvas[::-1, ::-1]).mean() > 30
    state = FaceState(mouth=VISEMES["AA"].target, viseme="AA")
    _assert_upright(VideoAvatar(model, 480, 270).render(state).image)
    _assert_upright(VideoAvatar(model, 272, 480).render_bgra(state)[:, :, :3])


def test_a_phone_clip_with_a_rotation_tag_trains_upright(
    phone_clip: TalkingClip, known: VideoModel, rendered: Rendered
) -> None:
    """The talking clip stored as pictures of a turned camera (a display matrix of
    90°): loop frames, mouths and renders all come out upright."""
    if read_rotation(phone_clip.path) != 90:
        pytest.skip("this PyAV cannot write a display matrix (PyAV 18 or later can)")
    with av.open(str(phone_clip.path)) as container:
        stored = container.streams.video[0].codec_context
        assert (stored.width, stored.height) == (270, 480)
    model = known
    assert model.facts["clip"]["rotation"] == 90 and model.facts["clip"]["size"] == [480, 270]
    assert (model.width, model.height) == (480, 270)
    assert len(model.facts["visemes_covered"]) >= 14
    loop0 = model.loop_frame(0).astype(int)
    source = rendered.frames[model.facts["loop"]["start"]]
    assert np.abs(loop0 - source).mean() < 0.5 * np.abs(loop0 - source[::-1, ::-1]).mean()
    _assert_upright(VideoAvatar(model, 480, 270).render(FaceState.rest()).image)
    mouth = next(j for j, v in enumerate(model.samples.visemes) if v == "AA")
    crop = model.samples.crops[mouth]
    # an open mouth cut upright: dark between the lips, in the crop's middle row band
    h = crop.shape[0]
    assert crop[h // 3 : 2 * h // 3].mean() < crop[: h // 6].mean()


# ---------------------------------------------------------------------------- refusals


def _portrait_on(
    canvas: tuple[int, int], portrait: np.ndarray, boxes: list[tuple[int, ...]]
) -> np.ndarray:
    image = np.full((canvas[1], canvas[0], 3), 90, np.uint8)
    for x, y, w, h in boxes:
        image[y : y + h, x : x + w] = cv2.resize(portrait, (w, h), interpolation=cv2.INTER_AREA)
    return image


def test_refuses_a_clip_without_a_face(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).integers(0, 255, (180, 320, 3)).astype(np.uint8)
    clip = write_still_clip(tmp_path / "noface.mp4", noise, 16.0)
    store = AvatarStore(tmp_path / "avatars")
    with pytest.raises(NoFaceError, match=r"no face found in noface\.mp4"):
        create_video_avatar(clip, "x", store=store)
    assert store.ids() == [] and not list((tmp_path / "avatars").glob("*"))


def test_refuses_two_people(tmp_path: Path, portrait: np.ndarray) -> None:
    image = _portrait_on((640, 360), portrait, [(10, 20, 300, 320), (330, 20, 300, 320)])
    clip = write_still_clip(tmp_path / "two.mp4", image, 16.0)
    with pytest.raises(VideoFaceError, match="several people"):
        train_video_avatar(clip)


def test_refuses_a_tiny_face(tmp_path: Path, portrait: np.ndarray) -> None:
    image = _portrait_on((1280, 720), portrait, [(560, 260, 180, 192)])
    clip = write_still_clip(tmp_path / "far.mp4", image, 16.0)
    with pytest.raises(VideoFaceError, match="too small"):
        train_video_avatar(clip)


def test_a_video_avatar_takes_part_in_a_scene(
    saved: tuple[AvatarStore, AvatarRecord], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from persona.scene.config import load_scene
    from persona.scene.render import render_scene

    store, record = saved
    monkeypatch.setenv("PERSONA_DATA_DIR", str(store.root.parent))
    (tmp_path / "scene.yaml").write_text(
        "layout: split\nsize: 512x288\n"
        f"speakers:\n  me: {{avatar: '{record.id}', voice: espeak-en, name: Me}}\n"
        "  sam: {avatar: 'template:kwame', voice: espeak-en, name: Sam}\n",
        encoding="utf-8",
    )
    scene = load_scene(tmp_path / "scene.yaml")
    dialogue = "Me: Hello, I am the person from the video.\nSam: Nice to meet you.\n"
    result = render_scene(dialogue, scene, tmp_path / "scene.mp4", preset="ultrafast")
    frames = [f.astype(np.int16) for f in read_video_frames(result.path)]
    left = slice(0, 256)
    first_turn = result.conversation.turns[0]
    k0 = first_turn.start_ms * result.fps // 1000
    k1 = first_turn.end_ms * result.fps // 1000
    moving = [np.abs(frames[k + 1][:, left] - frames[k][:, left]).mean() for k in range(k0, k1)]
    assert np.mean(moving) > 0.5  # the video avatar's panel is alive while it speaks
