"""``/api/v1/admin``: the studio's admin pages (an admin account only, else 403).

    GET   /api/v1/admin/users         every user with storage usage, quota and job count
    PATCH /api/v1/admin/users/{id}    {quota_bytes?, role?, disabled?}
    GET   /api/v1/admin/jobs          every user's jobs: ?state=&type=&user_id=&limit=&offset=

A disabled user's API keys and tokens are refused with 403 until an admin enables the
account again. An admin cannot disable their own account or take away their own admin
role (so that at least the one making the change keeps access).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persona.errors import InputError
from persona.service import audit
from persona.service.api.deps import AdminUser, SessionDep
from persona.service.api.routes.jobs import MAX_PAGE, job_public
from persona.service.api.schemas_studio import (
    AdminJob,
    AdminJobList,
    AdminUserList,
    AdminUserUpdate,
)
from persona.service.api.schemas_studio import AdminUser as AdminUserOut
from persona.service.db.base import utcnow
from persona.service.db.models import Asset, Job, Role, User
from persona.service.errors import NotFoundError
from persona.service.jobs.states import parse_job_type, parse_state

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


def _usage(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Asset.user_id, func.sum(Asset.size_bytes)).group_by(Asset.user_id)
    )
    return {user_id: int(total or 0) for user_id, total in rows}


def _job_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Job.user_id, func.count()).group_by(Job.user_id))
    return {user_id: int(count) for user_id, count in rows}


def _admin_user(user: User, usage: int, jobs: int) -> AdminUserOut:
    return AdminUserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=str(user.role),  # type: ignore[arg-type]
        quota_bytes=user.quota_bytes,
        usage_bytes=usage,
        jobs=jobs,
        disabled=user.disabled_at is not None,
        disabled_at=user.disabled_at,
        created_at=user.created_at,
    )


@router.get("/users", response_model=AdminUserList)
def list_users(session: SessionDep, admin: AdminUser) -> AdminUserList:
    """Every account, oldest first, with what it stores and how many jobs it made."""
    usage, counts = _usage(session), _job_counts(session)
    users = session.scalars(select(User).order_by(User.created_at, User.email))
    items = [_admin_user(u, usage.get(u.id, 0), counts.get(u.id, 0)) for u in users]
    return AdminUserList(items=items, total=len(items))


@router.patch("/users/{user_id}", response_model=AdminUserOut)
def update_user(
    user_id: str, body: AdminUserUpdate, session: SessionDep, admin: AdminUser
) -> AdminUserOut:
    """Change a user's storage quota, role or whether the account may sign in."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id!r}")
    if user.id == admin.id and (body.disabled or body.role == Role.USER):
        raise InputError("you cannot disable your own account or drop your own admin role")
    if body.quota_bytes is not None:
        user.quota_bytes = body.quota_bytes
    if body.role is not None:
        user.role = Role(body.role)
    if body.disabled is not None:
        user.disabled_at = (user.disabled_at or utcnow()) if body.disabled else None
    changes = body.model_dump(exclude_none=True)
    audit.record(session, admin, "admin.user.update", ("user", user.id), **changes)
    session.commit()
    usage = _usage(session).get(user.id, 0)
    return _admin_user(user, usage, _job_counts(session).get(user.id, 0))


@router.get("/jobs", response_model=AdminJobList)
def list_all_jobs(
    session: SessionDep,
    admin: AdminUser,
    state: str | None = None,
    type: str | None = None,
    user_id: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AdminJobList:
    """Every user's jobs, newest first, with whose they are."""
    query = select(Job, User.email).join(User, User.id == Job.user_id)
    if state is not None:
        query = query.where(Job.state == parse_state(state))
    if type is not None:
        query = query.where(Job.type == parse_job_type(type))
    if user_id is not None:
        query = query.where(Job.user_id == user_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)
    )
    items = [
        AdminJob(**job_public(job).model_dump(), user_id=job.user_id, user_email=email)
        for job, email in rows
    ]
    return AdminJobList(items=items, total=total, limit=limit, offset=offset)
