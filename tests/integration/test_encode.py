"""Encode short synthetic videos and check them the way a player would read them."""

from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from persona.errors import EncodeError, InputError, OutputPathError
from persona.media import (
    RawFrameRecorder,
    VideoWriter,
    encode_i420_frames,
    probe,
    read_audio,
    read_video_frames,
)
from persona.media import encode as encode_module
from persona.media.audio import ResampledAudio
from persona.types import Frame, Rect, VideoSpec

FPS = 25


def _shapes(w: int, h: int, n: int) -> Iterator[Frame]:
    """A gradient background with a coloured ellipse and square moving inside a box in
    the middle; ``dirty`` is that box (the first frame is whole)."""
    ys, xs = np.mgrid[0:h, 0:w]
    image = np.stack([xs * 255 // w, ys * 255 // h, np.full_like(xs, 90)], -1).astype(np.uint8)
    background = image.copy()
    box = Rect(w // 4 + 1, h // 4 + 1, w // 2 - 1, h // 2 - 1)  # odd place: exercises rounding
    for k in range(n):
        region = np.s_[box.y : box.y + box.h, box.x : box.x + box.w]
        image[region] = background[region]
        cx = box.x + box.w // 4 + (k * 3) % (box.w // 2)
        cy = box.y + box.h // 2
        cv2.ellipse(image, (cx, cy), (box.w // 8, box.h // 6), k * 7, 0, 360, (40, 60, 230), -1)
        cv2.rectangle(image, (cx - 5, cy - box.h // 3), (cx + 15, cy - box.h // 4), (0, 220, 0), -1)
        yield Frame(image, None if k == 0 else box)


def _speech_like(rate: int, seconds: float) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.3 * np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(
        np.float32
    )


def _encode(path: Path, spec: VideoSpec, n: int, audio_s: float) -> None:
    with VideoWriter(path, spec, _speech_like(22050, audio_s), 22050, total_frames=n) as w:
        for frame in _shapes(spec.width, spec.height, n):
            w.write(frame)


CASES = [  # width, height, container, seconds of audio (shorter or longer than the video)
    pytest.param(256, 256, "mp4", 1.3, id="256x256-mp4"),
    pytest.param(256, 256, "webm", 2.7, id="256x256-webm"),
    pytest.param(512, 512, "mp4", 2.7, id="512x512-mp4"),
    pytest.param(512, 512, "webm", 1.3, id="512x512-webm"),
    pytest.param(1280, 720, "mp4", 2.7, id="1280x720-mp4", marks=pytest.mark.slow),
    pytest.param(1280, 720, "webm", 1.3, id="1280x720-webm", marks=pytest.mark.slow),
    pytest.param(720, 1280, "mp4", 1.3, id="720x1280-mp4", marks=pytest.mark.slow),
    pytest.param(720, 1280, "webm", 2.7, id="720x1280-webm", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("w", "h", "container", "audio_s"), CASES)
def test_streams_sizes_and_durations(
    tmp_path: Path, w: int, h: int, container: str, audio_s: float
) -> None:
    n = 2 * FPS
    path = tmp_path / f"out.{container}"
    _encode(path, VideoSpec(w, h, FPS, container, "veryfast", 23), n, audio_s)
    info = probe(path)
    codecs = {"mp4": ("h264", "aac"), "webm": ("vp9", "opus")}[container]
    assert info.container == container
    assert (info.video_codec, info.audio_codec) == codecs
    assert (info.width, info.height, info.fps, info.n_frames) == (w, h, FPS, n)
    assert info.pixel_format == "yuv420p"
    assert (info.sample_rate, info.channels) == (48000, 1)
    frame_s = 1 / FPS
    assert abs(info.video_duration_s - n / FPS) < frame_s
    assert abs(info.audio_duration_s - info.video_duration_s) < frame_s
    audio, rate = read_audio(path)
    assert abs(len(audio) / rate - n / FPS) < frame_s
    assert sum(1 for _ in read_video_frames(path)) == n
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_click_and_flash_line_up(tmp_path: Path, container: str) -> None:
    """A click in the audio at the time of frame ``k`` must decode at that frame's time:
    the AAC priming and Opus pre-skip must not shift the sound."""
    n, k, rate = 60, 37, 22050
    audio = np.zeros(int(rate * n / FPS), np.float32)
    start = round(k / FPS * rate)
    audio[start : start + rate // 1000] = 0.9
    path = tmp_path / f"sync.{container}"
    with VideoWriter(path, VideoSpec(256, 256, FPS, container), audio, rate) as w:
        for i in range(n):
            w.write(Frame(np.full((256, 256, 3), 250 if i == k else 20, np.uint8)))

    with av.open(str(path)) as c:
        flashes = [float(f.time) for f in c.decode(video=0) if f.to_ndarray()[0].mean() > 128]
    with av.open(str(path)) as c:
        frames = list(c.decode(audio=0))
    first = float((frames[0].pts or 0) * (frames[0].time_base or 1))
    decoded = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    loud = np.abs(decoded) > 0.5 * np.abs(decoded).max()
    click_s = first + np.argmax(loud) / frames[0].sample_rate
    assert flashes == [pytest.approx(k / FPS, abs=0.5 / FPS)]
    assert abs(click_s - flashes[0]) <= 0.001


@pytest.mark.slow
@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_colours_survive_with_bt601_tags(tmp_path: Path, container: str) -> None:
    """HD frames: players assume BT.709 for untagged HD, so the BT.601 tags matter."""
    colours = [(0, 0, 255), (0, 255, 0), (255, 0, 0), (30, 160, 220), (200, 200, 200), (20, 20, 20)]
    w, h = 1280, 720
    image = np.zeros((h, w, 3), np.uint8)
    step = w // len(colours)
    for i, colour in enumerate(colours):
        image[:, i * step : (i + 1) * step] = colour
    path = tmp_path / f"colours.{container}"
    with VideoWriter(path, VideoSpec(w, h, FPS, container), np.zeros(100, np.float32), 8000) as v:
        for _ in range(3):
            v.write(Frame(image))
    info = probe(path)
    assert (info.color_space, info.color_range) == ("smpte170m", "tv")
    decoded = next(read_video_frames(path))
    for i, colour in enumerate(colours):
        patch = decoded[100:-100, i * step + 40 : (i + 1) * step - 40].reshape(-1, 3)
        np.testing.assert_allclose(patch.mean(0), colour, atol=3)


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_every_frame_arrives_intact(tmp_path: Path, container: str) -> None:
    """Frame buffers are reused: a frame overwritten before it was encoded would show
    a later frame's grey level."""
    levels = [16 + (i * 37) % 220 for i in range(40)]
    path = tmp_path / f"levels.{container}"
    with VideoWriter(path, VideoSpec(256, 256, FPS, container), np.zeros(1), 8000) as w:
        for level in levels:
            w.write(Frame(np.full((256, 256, 3), level, np.uint8)))
    decoded = [float(frame.mean()) for frame in read_video_frames(path)]
    np.testing.assert_allclose(decoded, levels, atol=3)


def test_dirty_rect_encoding_equals_full_frame_encoding(tmp_path: Path) -> None:
    spec = VideoSpec(256, 256, FPS, "mp4")
    paths = [tmp_path / "dirty.mp4", tmp_path / "full.mp4"]
    silence = np.zeros(1000, np.float32)
    for path, keep_dirty in zip(paths, [True, False], strict=True):
        with VideoWriter(path, spec, silence, 16000) as w:
            for frame in _shapes(256, 256, 20):
                w.write(frame if keep_dirty else Frame(frame.image))
    for a, b in zip(read_video_frames(paths[0]), read_video_frames(paths[1]), strict=True):
        np.testing.assert_array_equal(a, b)


def test_recorded_i420_frames_encode_like_the_writer(tmp_path: Path) -> None:
    spec = VideoSpec(256, 256, FPS, "mp4")
    silence = np.zeros(1000, np.float32)
    recorder = RawFrameRecorder(256, 256)
    with VideoWriter(tmp_path / "live.mp4", spec, silence, 16000) as w:
        for frame in _shapes(256, 256, 15):
            w.write(frame)
            recorder.write(frame)
    n = encode_i420_frames(tmp_path / "recorded.mp4", spec, recorder.frames, silence, 16000)
    assert n == 15
    live = read_video_frames(tmp_path / "live.mp4")
    recorded = read_video_frames(tmp_path / "recorded.mp4")
    for a, b in zip(live, recorded, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(EncodeError, match="I420 frame of shape"):  # noqa: SIM117
        with VideoWriter(tmp_path / "bad.mp4", spec, silence, 16000) as w:
            w.write_i420(np.zeros((256, 256), np.uint8))
    assert not (tmp_path / "bad.mp4").exists()


def test_audio_is_encoded_while_frames_arrive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    at_finish: list[int] = []
    original_read = ResampledAudio.read
    original_finish = encode_module._Streams.finish

    def spy_read(self: ResampledAudio, start: int, stop: int) -> np.ndarray:
        reads.append(stop)
        return original_read(self, start, stop)

    def spy_finish(self: encode_module._Streams) -> None:
        at_finish.append(max(reads, default=0))
        original_finish(self)

    monkeypatch.setattr(ResampledAudio, "read", spy_read)
    monkeypatch.setattr(encode_module._Streams, "finish", spy_finish)
    _encode(tmp_path / "a.mp4", VideoSpec(256, 256, FPS, "mp4"), 3 * FPS, 3.0)
    assert at_finish[0] >= 2 * 48000  # two of the three seconds were encoded along the way


def test_progress_reaches_one(tmp_path: Path) -> None:
    seen: list[float] = []

    class Recorder:
        def update(self, fraction: float) -> None:
            seen.append(fraction)

    spec = VideoSpec(256, 256, FPS, "mp4")
    with VideoWriter(tmp_path / "p.mp4", spec, np.zeros(10, np.float32), 8000, Recorder(), 10) as w:
        for frame in _shapes(256, 256, 10):
            w.write(frame)
    assert seen == sorted(seen)
    assert seen[0] == pytest.approx(0.1)
    assert seen[-1] == 1.0


def test_exception_mid_render_leaves_nothing_and_keeps_old_file(tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    path.write_bytes(b"previous render")
    spec = VideoSpec(256, 256, FPS, "mp4")
    with pytest.raises(RuntimeError, match="renderer broke"):  # noqa: SIM117
        with VideoWriter(path, spec, np.zeros(10, np.float32), 8000) as w:
            for k, frame in enumerate(_shapes(256, 256, 30)):
                if k == 12:
                    raise RuntimeError("renderer broke")
                w.write(frame)
    assert [p.name for p in tmp_path.iterdir()] == ["video.mp4"]
    assert path.read_bytes() == b"previous render"


def test_encoder_failure_in_the_thread_reaches_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: encode_module._Streams, frame: av.VideoFrame) -> None:
        raise av.FFmpegError(28, "No space left on device")

    monkeypatch.setattr(encode_module._Streams, "add_frame", broken)
    spec = VideoSpec(256, 256, FPS, "webm")
    with pytest.raises(EncodeError, match="No space left"):  # noqa: SIM117
        with VideoWriter(tmp_path / "v.webm", spec, np.zeros(10, np.float32), 8000) as w:
            for frame in _shapes(256, 256, 50):
                w.write(frame)
    assert list(tmp_path.iterdir()) == []


def test_bad_requests_fail_before_any_file_is_made(tmp_path: Path) -> None:
    silence = np.zeros(10, np.float32)
    with pytest.raises(InputError, match="even"):
        VideoWriter(tmp_path / "a.mp4", VideoSpec(641, 480), silence, 8000)
    with pytest.raises(OutputPathError, match="does not exist"):
        VideoWriter(tmp_path / "no" / "a.mp4", VideoSpec(), silence, 8000)
    with pytest.raises(OutputPathError, match="webm"):
        VideoWriter(tmp_path / "a.webm", VideoSpec(container="mp4"), silence, 8000)
    with pytest.raises(EncodeError, match="no video frames"):  # noqa: SIM117
        with VideoWriter(tmp_path / "a.mp4", VideoSpec(256, 256), silence, 8000):
            pass
    assert list(tmp_path.iterdir()) == []
