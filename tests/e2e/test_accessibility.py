"""Accessibility: axe-core (web/node_modules/axe-core, a dev dependency of the studio)
runs on every page of the studio, signed out and signed in, at desktop width and at a
phone's 375 px, and on the states a page only shows after some use (the script editor's
sentences and hints, the studio's picture upload, the admin tabs). No violation of
``serious`` or ``critical`` impact may remain; each page is photographed into
/tmp/studio-shots (``a11y-…``) for a look.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.harness import ADMIN, ROOT, Server, sign_in

pytestmark = pytest.mark.e2e

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
SIZES = [(1280, 800), (375, 740)]
SCRIPT = "I love this wonderful day! I am so sad, I miss her. The bus leaves at six."


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def violations(page: Any) -> list[str]:
    """axe's serious and critical violations on the page, one line per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node}"
        for v in found
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def _script_with_hints(page: Any) -> None:
    page.locator("#ed-script-text").fill(SCRIPT)
    hint = page.get_by_role("button", name="Use sad for sentence 2")
    expect(hint).to_be_visible(timeout=30_000)


def _studio_picture(page: Any) -> None:
    page.get_by_role("checkbox", name=re.compile("Maya")).check()
    page.get_by_label("Background", exact=True).select_option("image")
    page.get_by_label("Background picture").set_input_files(
        files=[{"name": "wall.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(page.get_by_alt_text("The chosen background picture")).to_be_visible()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 36), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _every_tab(page: Any) -> None:
    for tab in page.get_by_role("tab").all():
        tab.click()
        page.wait_for_load_state("networkidle")


PAGES: list[tuple[str, str, Callable[[Any], None] | None]] = [
    ("dashboard", "Dashboard", None),
    ("avatar", "Create avatar", _every_tab),
    ("script", "Script", _script_with_hints),
    ("voices", "Voices", None),
    ("studio", "Studio", _studio_picture),
    ("admin", "Admin", _every_tab),
]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (cd web && npm ci)")
@pytest.mark.parametrize(("width", "height"), SIZES, ids=["desktop", "phone"])
def test_no_serious_accessibility_violations(
    browser: Any, server: Server, shots: Path, width: int, height: int
) -> None:
    ctx = browser.new_context(
        base_url=server.url,
        viewport={"width": width, "height": height},
        service_workers="block",
        bypass_csp=True,  # axe is injected as an inline script; the studio's CSP forbids those
    )
    ctx.set_default_timeout(15_000)
    problems: dict[str, list[str]] = {}
    try:
        page = ctx.new_page()
        page.goto("/#/dashboard")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        problems["sign-in"] = violations(page)
        page.screenshot(path=str(shots / f"a11y-sign-in-{width}.png"), full_page=True)
        sign_in(page, ADMIN)
        body = {"script": "A card for the library.", "options": {"size": "256x256"}}
        server.api("POST", "/api/v1/generate", server.token(ADMIN), body)  # a dashboard card
        for route, heading, use in PAGES:
            page.goto(f"/#/{route}")
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            page.wait_for_load_state("networkidle")
            problems[route] = violations(page)
            if use is not None:
                use(page)
                page.wait_for_load_state("networkidle")
                problems[f"{route} (in use)"] = violations(page)
            page.screenshot(path=str(shots / f"a11y-{route}-{width}.png"), full_page=True)
    finally:
        ctx.close()
    failing = {where: found for where, found in problems.items() if found}
    assert not failing, "\n".join(f"#/{w}: {line}" for w, f in failing.items() for line in f)
