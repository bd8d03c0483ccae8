"""Shared fixtures: the bundled public-domain portrait and media made on the fly."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ASSETS = Path(__file__).resolve().parents[1] / "src" / "persona" / "assets"


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved voices, avatars and consent records of a developer never leak into tests."""
    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path_factory.mktemp("persona-data")))


@pytest.fixture(scope="session")
def portrait_path() -> Path:
    """NASA portrait of Eileen Collins (public domain), bundled with the package."""
    return ASSETS / "astronaut.jpg"


@pytest.fixture(scope="session")
def portrait(portrait_path: Path) -> np.ndarray:
    from persona.avatar.image import load_image

    return load_image(portrait_path)


@pytest.fixture(scope="session")
def photo_avatar(portrait: np.ndarray):  # type: ignore[no-untyped-def]
    from persona.avatar.photo import PhotoAvatar

    return PhotoAvatar.from_image(portrait, 640, 360)
