"""A service video job stores the signed sidecar beside its video, under the job's id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest

from persona.provenance import verify_video
from persona.service.jobs.states import JobState
from persona.service.tasks.context import TaskContext
from persona.service.tasks.video import PROVENANCE_TYPE, video_generation


class _Progress:
    def __init__(self) -> None:
        self.states: list[JobState] = []

    def report(self, state: JobState, fraction: float) -> None:
        self.states.append(state)


@pytest.mark.slow
def test_a_video_job_outputs_its_provenance_under_the_job_id(tmp_path: Path) -> None:
    params = {"script": "Hello from the service.", "avatar": "template:maya", "size": "256x256"}
    ctx = TaskContext(
        job_id="job_0123456789ab",
        user_id="user_1",
        params={**params, "preset": "ultrafast"},
        workdir=tmp_path,
        storage=cast(Any, None),  # a template avatar and a script need neither
        database=cast(Any, None),
        progress=_Progress(),
    )
    output = video_generation(ctx)
    files = {f.name: f for f in output.files}
    sidecar = files["video.mp4.provenance.json"]
    assert sidecar.content_type == PROVENANCE_TYPE == "application/json"
    assert sidecar.path == tmp_path / "video.mp4.provenance.json"
    manifest = json.loads(sidecar.path.read_text())["manifest"]
    assert manifest["video_id"] == "job_0123456789ab"
    assert manifest["avatars"][0]["id"] == "template:maya"
    report = verify_video(files["video.mp4"].path)
    assert report.exit_code == 0, report.text()
    assert "matches manifest" in report.text()
