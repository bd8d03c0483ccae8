"""``/api/v1/projects``: the web studio's projects, each a named script with its render
settings (free JSON the studio defines). Jobs name their project in their parameters
(``project_id`` on ``POST /api/v1/generate``) and ``GET /api/v1/jobs?project_id=`` lists
them. Deleting a project keeps its jobs.

    GET    /api/v1/projects          the user's projects, most recently changed first
    POST   /api/v1/projects          {name, script?, settings?} → 201 the project
    GET    /api/v1/projects/{id}     one project
    PUT    /api/v1/projects/{id}     {name?, script?, settings?}: the fields given replace
    DELETE /api/v1/projects/{id}     204

Another user's project is not found (404).
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persona.service.api.deps import CurrentUser, SessionDep
from persona.service.api.schemas_studio import (
    ProjectCreate,
    ProjectList,
    ProjectPublic,
    ProjectUpdate,
)
from persona.service.db.base import new_id, utcnow
from persona.service.db.models import Project, User
from persona.service.errors import NotFoundError

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])
MAX_PROJECTS = 1000


def get_project(session: Session, user: User, project_id: str) -> Project:
    """The user's project ``project_id``; :class:`NotFoundError` for anyone else's."""
    project = session.get(Project, project_id)
    if project is None or project.user_id != user.id:
        raise NotFoundError(f"no project {project_id!r}")
    return project


@router.get("", response_model=ProjectList)
def list_projects(session: SessionDep, user: CurrentUser) -> ProjectList:
    query = select(Project).where(Project.user_id == user.id)
    rows = session.scalars(query.order_by(Project.updated_at.desc(), Project.id.desc()))
    items = [ProjectPublic.model_validate(p) for p in rows]
    return ProjectList(items=items, total=len(items))


@router.post("", status_code=201, response_model=ProjectPublic)
def create_project(body: ProjectCreate, session: SessionDep, user: CurrentUser) -> Project:
    count = session.scalar(select(func.count()).where(Project.user_id == user.id)) or 0
    if count >= MAX_PROJECTS:
        from persona.errors import InputError

        raise InputError(f"you have {count} projects, the most allowed: delete some first")
    now = utcnow()
    project = Project(
        id=new_id("prj"),
        user_id=user.id,
        name=body.name.strip() or body.name,
        script=body.script,
        settings=dict(body.settings),
        created_at=now,
        updated_at=now,
    )
    session.add(project)
    session.commit()
    return project


@router.get("/{project_id}", response_model=ProjectPublic)
def read_project(project_id: str, session: SessionDep, user: CurrentUser) -> Project:
    return get_project(session, user, project_id)


@router.put("/{project_id}", response_model=ProjectPublic)
def update_project(
    project_id: str, body: ProjectUpdate, session: SessionDep, user: CurrentUser
) -> Project:
    project = get_project(session, user, project_id)
    if body.name is not None:
        project.name = body.name.strip() or body.name
    if body.script is not None:
        project.script = body.script
    if body.settings is not None:
        project.settings = dict(body.settings)
    project.updated_at = utcnow()
    session.commit()
    return project


@router.delete("/{project_id}", status_code=204, response_class=Response)
def delete_project(project_id: str, session: SessionDep, user: CurrentUser) -> Response:
    session.delete(get_project(session, user, project_id))
    session.commit()
    return Response(status_code=204)
