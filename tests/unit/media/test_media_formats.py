import pytest

from persona.errors import InputError, OutputPathError
from persona.media.formats import check_spec, container_for_path, profile_for
from persona.types import VideoSpec


@pytest.mark.parametrize(
    ("name", "container"),
    [
        ("out.mp4", "mp4"),
        ("dir/Clip.MP4", "mp4"),
        ("a.m4v", "mp4"),
        ("a.mov", "mp4"),
        ("x/y.webm", "webm"),
    ],
)
def test_container_for_path(name: str, container: str) -> None:
    assert container_for_path(name) == container


@pytest.mark.parametrize("name", ["out.avi", "out", "out.mp4.txt", "a.mkv"])
def test_container_for_unknown_suffix_lists_supported(name: str) -> None:
    with pytest.raises(OutputPathError, match=r"\.mp4.*\.webm"):
        container_for_path(name)


@pytest.mark.parametrize(
    ("w", "h"), [(256, 256), (1280, 720), (720, 1280), (1920, 1080), (1080, 1920), (512, 512)]
)
def test_supported_sizes(w: int, h: int) -> None:
    check_spec(VideoSpec(width=w, height=h))


@pytest.mark.parametrize(
    ("w", "h", "reason"),
    [
        (641, 480, "even"),
        (640, 481, "even"),
        (254, 256, "256..1920"),
        (2560, 1440, "256..1920"),
        (1920, 1440, "1920×1080"),
    ],
)
def test_unsupported_sizes(w: int, h: int, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        check_spec(VideoSpec(width=w, height=h))


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (VideoSpec(fps=0), "frame rate"),
        (VideoSpec(fps=120), "frame rate"),
        (VideoSpec(preset="turbo"), "preset"),
        (VideoSpec(crf=60), "crf"),
    ],
)
def test_unsupported_settings(spec: VideoSpec, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        check_spec(spec)


def test_unknown_container_is_an_output_error() -> None:
    with pytest.raises(OutputPathError, match="mp4"):
        check_spec(VideoSpec(container="avi"))


def test_profiles_follow_the_spec() -> None:
    mp4 = profile_for(VideoSpec(container="mp4", preset="superfast", crf=20, fps=30))
    assert (mp4.video_codec, mp4.audio_codec) == ("libx264", "aac")
    assert mp4.video_options["preset"] == "superfast"
    assert mp4.video_options["crf"] == "20"
    assert mp4.audio_options["aac_coder"] == "fast"
    assert "faststart" in mp4.container_options["movflags"]
    webm = profile_for(VideoSpec(container="webm", crf=23))
    assert (webm.video_codec, webm.audio_codec) == ("libvpx-vp9", "libopus")
    assert webm.video_options["deadline"] == "realtime"
    assert 0 <= int(webm.video_options["crf"]) <= 63
