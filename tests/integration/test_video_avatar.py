"""A video avatar trained from a generated clip, saved, reopened and made to say something
new; and the clips it must refuse."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from persona.avatar.store import AvatarRecord, AvatarStore
from persona.avatar.video import (
    VideoAvatar,
    VideoModel,
    create_video_avatar,
    open_video_avatar,
    train_video_avatar,
)
from persona.avatar.video.sheet import seam_strip
from persona.errors import NoFaceError, VideoFaceError
from persona.lipsync.visemes import VISEMES
from persona.media import probe, read_video_frames
from persona.pipeline import render_video
from persona.types import FaceState, RenderOptions, VideoSpec
from tests.videoclips import Rendered, render_talking, write_clip, write_still_clip

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


def test_visemes_are_harvested(model: VideoModel) -> None:
    covered = model.facts["visemes_covered"]
    assert len(covered) >= 10, covered
    assert {"MBP", "AA", "OO"} <= set(covered)
    s = model.samples
    assert s.crops.shape[0] == len(s.visemes) <= 1 + 3 * len(covered) + 3
    assert s.visemes[0] == "X"


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
    opened, shut = int(np.argmax(jaw)), int(np.argmin(jaw[5:-5])) + 5
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
    diff = np.abs(frames[opened][region].astype(int) - frames[shut][region]).mean()
    assert diff > 3.0, diff


def test_variable_rate_mkv_with_known_phones(rendered: Rendered, tmp_path: Path) -> None:
    clip = write_clip(rendered, tmp_path / "phone.mkv", drift=False, noise=2.0, jitter=True)
    model = train_video_avatar(clip.path, speech=clip.speech)
    covered = model.facts["visemes_covered"]
    assert len(covered) >= 14, covered
    assert model.facts["clip"]["name"] == "phone.mkv"
    assert set(model.facts["timings"]) == {"read", "track", "speech", "loop", "harvest"}


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
