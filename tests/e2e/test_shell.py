"""The studio's frame in a real browser: signing in and out, the dashboard, the admin
pages, the phone layout and the installable-app pieces (manifest, service worker)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import ADMIN, USER, Server, sign_in

pytestmark = pytest.mark.e2e


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_root_serves_the_studio_to_browsers(server: Server) -> None:
    request = urllib.request.Request(f"{server.url}/", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        html = response.read().decode()
    assert '<div id="root">' in html
    assert 'rel="manifest"' in html


def test_wrong_password_shows_the_servers_message(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(USER.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    assert "password" in alert.inner_text().lower()
    expect(page.get_by_role("heading", name="Dashboard")).to_have_count(0)


def test_empty_form_is_refused_before_asking_the_server(page: Any) -> None:
    page.goto("/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Enter your email and password.")


def test_sign_in_shows_the_dashboard_and_sign_out_returns(page: Any, shots: Path) -> None:
    page.goto("/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "signin.png"))
    sign_in(page, USER)
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Dashboard", "Create avatar", "Script", "Voices", "Studio"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
    expect(page.get_by_role("heading", name="Video library")).to_be_visible()
    expect(page.get_by_text("No videos yet")).to_be_visible()
    page.screenshot(path=str(shots / "dashboard-empty.png"), full_page=True)

    page.reload()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.evaluate("localStorage.getItem('persona.token')") is None


def test_project_made_on_the_dashboard_is_listed_and_deleted(page: Any, server: Server) -> None:
    sign_in(page, USER)
    page.get_by_role("button", name="New project").click()
    dialog = page.get_by_role("dialog", name="New project")
    dialog.get_by_label("Project name").fill("Launch video")
    dialog.get_by_role("button", name="Create").click()
    page.wait_for_url("**/#/studio?project=*")

    page.goto("/#/dashboard")
    link = page.get_by_role("link", name="Launch video")
    expect(link).to_be_visible()
    page.get_by_role("button", name="Delete project Launch video").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete project").click()
    expect(link).to_have_count(0)
    token = server.token(USER)
    names = [p["name"] for p in server.api("GET", "/api/v1/projects", token)["items"]]
    assert "Launch video" not in names


def test_admin_page_is_for_admins_only(page: Any) -> None:
    sign_in(page, USER)
    page.goto("/#/admin")
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()


def test_admin_sees_users_and_edits_a_quota(page: Any, server: Server, shots: Path) -> None:
    sign_in(page, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin", level=1)).to_be_visible()
    row = page.locator(f"tr[data-user='{USER.email}']")
    expect(row).to_be_visible()
    page.screenshot(path=str(shots / "admin-users.png"), full_page=True)

    row.get_by_role("button", name=f"Edit quota of {USER.email}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Quota (GiB)").fill("-1")
    dialog.get_by_role("button", name="Save quota").click()
    expect(dialog.get_by_role("alert")).to_contain_text("0 or more")
    dialog.get_by_label("Quota (GiB)").fill("2.5")
    dialog.get_by_role("button", name="Save quota").click()
    expect(row).to_contain_text("2.5 GiB")
    token = server.token(ADMIN)
    users = server.api("GET", "/api/v1/admin/users", token)["items"]
    quota = next(u["quota_bytes"] for u in users if u["email"] == USER.email)
    assert quota == int(2.5 * 1024**3)

    page.get_by_role("tab", name="Jobs").click()
    expect(page.get_by_label("State")).to_be_visible()
    page.screenshot(path=str(shots / "admin-jobs.png"), full_page=True)
    page.get_by_role("tab", name="Moderation").click()
    expect(
        page.get_by_text("Nothing to review").or_(page.get_by_text("Moderation is not available"))
    ).to_be_visible()
    page.screenshot(path=str(shots / "admin-moderation.png"), full_page=True)


def test_phone_width_collapses_the_navigation(browser: Any, server: Server, shots: Path) -> None:
    ctx = browser.new_context(
        base_url=server.url,
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        service_workers="block",
    )
    try:
        page = ctx.new_page()
        page.goto("/")
        page.screenshot(path=str(shots / "phone-signin.png"))
        sign_in(page, USER)
        nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Voices")
        expect(nav_link).to_be_hidden()
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        page.screenshot(path=str(shots / "phone-dashboard.png"), full_page=True)
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(nav_link).to_be_visible()
        page.screenshot(path=str(shots / "phone-menu.png"))
        # Nothing is wider than the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        nav_link.click()
        page.wait_for_url("**/#/voices")
        expect(menu).to_have_attribute("aria-expanded", "false")
    finally:
        ctx.close()


def test_keyboard_alone_signs_in(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Email").focus()
    page.keyboard.type(USER.email)
    page.keyboard.press("Tab")
    page.keyboard.type(USER.password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def test_installable_app_manifest_icons_and_service_worker(browser: Any, server: Server) -> None:
    with urllib.request.urlopen(f"{server.url}/manifest.webmanifest", timeout=10) as response:
        manifest = json.loads(response.read())
    assert manifest["name"] == "Persona Studio"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        with urllib.request.urlopen(f"{server.url}{icon['src']}", timeout=10) as response:
            assert response.read(8) == b"\x89PNG\r\n\x1a\n"

    ctx = browser.new_context(base_url=server.url, service_workers="allow")
    try:
        page = ctx.new_page()
        page.goto("/")
        scope = page.evaluate(
            """async () => {
                const reg = await navigator.serviceWorker.ready;
                return reg.scope;
            }"""
        )
        assert scope == f"{server.url}/"
        cached = page.evaluate(
            """async () => {
                const keys = await caches.keys();
                const cache = await caches.open(keys.find((k) => k.startsWith("persona-studio")));
                return (await cache.keys()).map((r) => new URL(r.url).pathname);
            }"""
        )
        assert "/" in cached
        assert "/manifest.webmanifest" in cached

        # Controlled by the worker, signed in once; then the network goes away.
        page.reload()
        sign_in(page, USER)
        page.wait_for_load_state("networkidle")
        ctx.set_offline(True)
        page.reload()
        expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Projects")).to_be_visible()
        ctx.set_offline(False)
    finally:
        ctx.close()


def test_dark_colour_scheme_follows_the_system(browser: Any, server: Server, shots: Path) -> None:
    ctx = browser.new_context(base_url=server.url, color_scheme="dark", service_workers="block")
    try:
        page = ctx.new_page()
        sign_in(page, USER)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots / "dashboard-dark.png"), full_page=True)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]]
        assert max(channels) < 64, background
    finally:
        ctx.close()
