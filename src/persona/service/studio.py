"""The web studio's files: the single-page app Vite builds into ``studio_dist/``.

    GET /                     index.html when the browser asks for HTML (``Accept:
                              text/html``); the JSON service info otherwise (meta route)
    GET /assets/{path}        hashed JS, CSS, fonts, images: cached for a year, immutable
    GET /icons/{path}         app icons
    GET /manifest.webmanifest the PWA manifest (application/manifest+json)
    GET /sw.js                the service worker: never cached, allowed to control ``/``

The app uses hash routes (``/#/dashboard``), so nothing else needs a fallback to
index.html. The folder is found at ``persona/service/studio_dist`` (a build output,
not in git) or where ``PERSONA_STUDIO_DIST`` points; when it has no index.html, ``/``
answers with a page that says how to build it. Every file is looked up inside that
folder only: a path that would leave it is not found.

The studio page carries a Content-Security-Policy: everything from this origin only,
with ``blob:`` and ``data:`` allowed for images and media (previews made in the browser).
"""

from __future__ import annotations

import html
import mimetypes
import os
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

from persona.service.errors import NotFoundError

DIST_ENV = "PERSONA_STUDIO_DIST"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
ROOT_FILES = frozenset({"favicon.ico", "favicon.svg", "robots.txt", "apple-touch-icon.png"})
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob: data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
STUDIO_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MISSING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Persona Studio: web app not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}
code,pre{background:#f2f2f2;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>The web studio is not built</h1>
<p>The API is running (see <a href="/docs">/docs</a>), but the studio's files were not found
in <code>{where}</code>.</p>
<p>Build them from a checkout of the project:</p>
<pre>make web</pre>
<p>or run the bootstrap script, which installs the Node packages and builds the app
(<code>scripts/bootstrap.sh</code>). Then reload this page.</p></body></html>
"""

router = APIRouter(tags=["studio"], include_in_schema=False)


def api_routers() -> tuple[APIRouter, ...]:
    """The routers of the studio's API (``/api/v1/...``): included before the avatar and
    voice routers, whose ``/{id}`` routes would otherwise take ``templates``."""
    from persona.service.api.routes import admin, events, previews, projects, studio_jobs

    return (
        events.router,
        projects.router,
        studio_jobs.router,
        previews.avatar_router,
        previews.voice_router,
        previews.script_router,
        admin.router,
    )


def dist_dir() -> Path:
    """Where the built studio lives (it may not exist)."""
    override = os.environ.get(DIST_ENV)
    return Path(override) if override else Path(__file__).with_name("studio_dist")


def wants_html(accept: str | None) -> bool:
    """Whether a request's ``Accept`` header asks for HTML (a browser opening ``/``)."""
    return accept is not None and "text/html" in accept.lower()


def index_response() -> Response:
    """The studio's index.html (never cached: it names the current hashed assets), or a
    page that says how to build it."""
    index = dist_dir() / "index.html"
    if not index.is_file():
        page = MISSING_PAGE.replace("{where}", html.escape(str(dist_dir())))
        return HTMLResponse(page, status_code=503, headers=STUDIO_HEADERS)
    headers = {**STUDIO_HEADERS, "Cache-Control": REVALIDATE}
    return FileResponse(index, media_type="text/html; charset=utf-8", headers=headers)


def _file(relative: str) -> Path:
    """The file ``relative`` inside the build folder; :class:`NotFoundError` for one that
    is missing or would be outside it."""
    root = dist_dir().resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFoundError(f"no studio file {relative!r}")
    return path


def _serve(relative: str, cache: str, media_type: str | None = None, **extra: str) -> Response:
    path = _file(relative)
    kind = media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff", **extra}
    return FileResponse(path, media_type=kind, headers=headers)


@router.get("/assets/{path:path}")
def asset(path: str) -> Response:
    """A hashed build output: its name changes with its content, so it never goes stale."""
    return _serve(f"assets/{path}", IMMUTABLE)


@router.get("/icons/{path:path}")
def icon(path: str) -> Response:
    return _serve(f"icons/{path}", "public, max-age=86400")


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    return _serve("manifest.webmanifest", REVALIDATE, "application/manifest+json")


@router.get("/sw.js")
def service_worker() -> Response:
    """Revalidated on every load, so a new build's worker takes over at once."""
    return _serve(
        "sw.js", REVALIDATE, "text/javascript; charset=utf-8", **{"Service-Worker-Allowed": "/"}
    )


@router.get("/{name}", include_in_schema=False)
def root_file(name: str) -> Response:
    """The few files browsers look for at the root (``favicon.ico``, ``robots.txt``)."""
    if name not in ROOT_FILES:
        raise NotFoundError(f"no route {name!r}")
    return _serve(name, "public, max-age=86400")
