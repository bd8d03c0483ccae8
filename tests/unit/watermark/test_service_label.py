"""The service's ``ai_label`` request field reaches the render's marks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from tests.unit.service.fixtures import (  # noqa: F401  (the database fixture and its needs)
    _fresh_settings,
    database,
    migrated_sqlite_file,
    settings,
)

from persona.service.api.routes.jobs import generate_params
from persona.service.api.schemas import GenerateRequest
from persona.service.tasks.video import check_video_params


def test_ai_label_reaches_the_marks() -> None:
    params = generate_params(
        GenerateRequest(script="Hello.", ai_label={"position": "top-left", "opacity": 0.5})
    )
    assert params["ai_label"] == {"position": "top-left", "opacity": 0.5, "enabled": True}
    _, finishing = check_video_params(params)
    assert finishing.marks.label.position == "top-left"
    assert finishing.marks.label.opacity == 0.5


def test_label_is_on_by_default_and_off_when_asked() -> None:
    _, finishing = check_video_params(generate_params(GenerateRequest(script="Hello.")))
    assert finishing.marks.label is not None
    params = generate_params(GenerateRequest(script="Hello.", ai_label={"enabled": False}))
    _, finishing = check_video_params(params)
    assert finishing.marks.label is None  # the worker checks the policy before rendering


@pytest.mark.parametrize(
    "bad", [{"position": "centre"}, {"opacity": 2}, {"enabled": True, "size": 3}]
)
def test_bad_ai_label_is_a_validation_error(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        GenerateRequest(script="Hello.", ai_label=bad)


def _saved_photo_avatar(consent_id: str) -> str:
    from persona.avatar.store import AvatarRecord, AvatarStore, AvatarVersion
    from persona.paths import write_json_atomic

    record = AvatarRecord(
        id="av_00000000a11c",
        name="Ana",
        kind="photo",
        created_at="2026-01-01T00:00:00Z",
        versions=(AvatarVersion(1, "2026-01-01T00:00:00Z", {"file": "x.jpg"}),),
        consent_id=consent_id,
    )
    store = AvatarStore()
    write_json_atomic(store.root / record.id / "avatar.json", record.as_dict())
    return record.id


def test_worker_allows_only_the_users_own_likeness(database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from persona.consent import create_consent
    from persona.service.auth import create_user
    from persona.watermark.policy import LabelRemovalError
    from persona.watermark.requests import require_service_label_removal

    with database.session() as session:
        ana = create_user(session, "ana@example.org", quota_bytes=10**9, display_name="Ana Lima")
        bo = create_user(session, "bo@example.org", quota_bytes=10**9)
        session.commit()
        ana_id, bo_id = ana.id, bo.id
    own = create_consent("avatar", "Ana Lima", "I agree.", "my videos", "ana@example.org")
    avatar = _saved_photo_avatar(own.id)
    require_service_label_removal(database, ana_id, avatar)  # allowed
    with pytest.raises(LabelRemovalError, match="not the requester"):
        require_service_label_removal(database, bo_id, avatar)
    with pytest.raises(LabelRemovalError, match="not a saved photo"):
        require_service_label_removal(database, ana_id, "template:maya")
