"""Every page of the studio opens without a script error, has its heading, fits a phone's
width, and is photographed (desktop and phone) into /tmp/studio-shots for a look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import ADMIN, Server, sign_in

pytestmark = pytest.mark.e2e

PAGES = [
    ("dashboard", "Dashboard"),
    ("avatar", "Create avatar"),
    ("script", "Script"),
    ("voices", "Voices"),
    ("studio", "Studio"),
    ("admin", "Admin"),
]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 740)], ids=["desktop", "phone"])
def test_every_page_opens_cleanly(
    browser: Any, server: Server, shots: Path, width: int, height: int
) -> None:
    ctx = browser.new_context(
        base_url=server.url, viewport={"width": width, "height": height}, service_workers="block"
    )
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("pageerror", lambda err: errors.append(f"{page.url}: {err}"))
        sign_in(page, ADMIN)
        for route, heading in PAGES:
            page.goto(f"/#/{route}")
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(shots / f"page-{route}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"#/{route} is {overflow} px wide at {width} px"
        page.goto("/#/no-such-page")
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    finally:
        ctx.close()
    assert not errors, errors
