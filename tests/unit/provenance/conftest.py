"""A tiny talking-avatar video rendered once through ``persona render`` (the pipeline's
provenance hook signs it).
Every test gets its own copy of the video and its sidecar, and the data folder that
holds the key that signed them (so each test sees the signer as this installation).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.unit.provenance.signed import AVATAR, TEXT, Rendered

from persona.cli import main


@pytest.fixture(scope="module")
def rendered_once(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = tmp_path_factory.mktemp("signed")
    data = tmp_path_factory.mktemp("signer-data")
    out = folder / "talk.mp4"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PERSONA_DATA_DIR", str(data))
        argv = ["render", TEXT, "--avatar", AVATAR, "--size", "256x256", "-o", str(out), "-q"]
        assert main([*argv, "--preset", "ultrafast"]) == 0
    return Rendered(out, out.with_name(out.name + ".provenance.json"), data)


@pytest.fixture
def rendered(rendered_once: Rendered, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Rendered:
    """A private copy of the signed video and sidecar, with the signer's data folder."""
    video = tmp_path / rendered_once.video.name
    shutil.copy(rendered_once.video, video)
    sidecar = video.with_name(rendered_once.sidecar.name)
    shutil.copy(rendered_once.sidecar, sidecar)
    monkeypatch.setenv("PERSONA_DATA_DIR", str(rendered_once.data_dir))
    return Rendered(video, sidecar, rendered_once.data_dir)
