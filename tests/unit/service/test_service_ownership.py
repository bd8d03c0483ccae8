"""Ownership of avatars and voices kept outside the database."""

from __future__ import annotations

import pytest
from tests.unit.service.servicedb import add_user

from persona.service.db.engine import Database
from persona.service.db.models import ResourceKind, Role
from persona.service.errors import ConflictError, NotFoundError
from persona.service.ownership import forget_owner, owned_ids, record_owner, require_owner

AV = ResourceKind.AVATAR


def test_each_user_sees_only_their_own(database: Database) -> None:
    with database.transaction() as session:
        ann, bob = add_user(session), add_user(session, "bob@example.com")
        root = add_user(session, "root@example.com", role=Role.ADMIN)
        record_owner(session, ann, AV, "av_000000000001")
        record_owner(session, ann, ResourceKind.VOICE, "anna-1f2e")
        record_owner(session, bob, AV, "av_000000000002")
    with database.transaction() as session:
        assert owned_ids(session, ann, AV) == ["av_000000000001"]
        assert owned_ids(session, ann, ResourceKind.VOICE) == ["anna-1f2e"]
        require_owner(session, ann, AV, "av_000000000001")
        require_owner(session, root, AV, "av_000000000001")  # admins see everything
        with pytest.raises(NotFoundError, match="no avatar 'av_000000000002'"):
            require_owner(session, ann, AV, "av_000000000002")
        with pytest.raises(NotFoundError):
            require_owner(session, ann, AV, "av_ffffffffffff")
    with database.transaction() as session, pytest.raises(ConflictError, match="has an owner"):
        record_owner(session, bob, AV, "av_000000000001")
    with database.transaction() as session:
        forget_owner(session, AV, "av_000000000001")
        forget_owner(session, AV, "av_000000000001")  # twice: nothing to do
        assert owned_ids(session, ann, AV) == []
