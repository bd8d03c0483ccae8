import os
from pathlib import Path

import pytest

from persona.errors import InputError, OutputPathError
from persona.media.output import create_temp_beside, discard, ensure_writable, publish
from persona.media.probe import probe, read_audio, read_video_frames


def test_writable_path_passes_and_leaves_nothing(tmp_path: Path) -> None:
    assert ensure_writable(tmp_path / "out.mp4") == tmp_path / "out.mp4"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        ("missing/out.mp4", "does not exist"),
        ("afile/out.mp4", "not a folder"),
        ("adir.mp4", "is a folder"),
        ("out.avi", "unsupported file type"),
    ],
)
def test_unwritable_paths_name_the_reason(tmp_path: Path, relative: str, reason: str) -> None:
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir.mp4").mkdir()
    with pytest.raises(OutputPathError, match=reason):
        ensure_writable(tmp_path / relative)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputPathError, match="cannot write"):
            ensure_writable(folder / "out.webm")
    finally:
        folder.chmod(0o700)


def test_temp_files_are_unique_hidden_and_published(tmp_path: Path) -> None:
    target = tmp_path / "video.mp4"
    a, b = create_temp_beside(target), create_temp_beside(target)
    assert a != b
    assert a.parent == tmp_path
    assert a.name.startswith(".video.mp4.")
    a.write_bytes(b"done")
    publish(a, target)
    discard(b)
    discard(b)  # already gone: no error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.mp4"]
    assert target.read_bytes() == b"done"


def test_reading_missing_or_corrupt_media_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        probe(tmp_path / "none.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x01 definitely not a movie" * 40)
    with pytest.raises(InputError, match="cannot read media"):
        probe(junk)
    with pytest.raises(InputError, match="cannot read media"):
        read_video_frames(junk)
    with pytest.raises(InputError, match="cannot read media"):
        read_audio(junk)
