"""The admin's moderation queue in the browser: a script the policy flags waits ``held``;
the admin sees why, approves one job (it is queued) and rejects another (it fails with the
reviewer's note). An avatar named after a public figure is flagged: jobs that use it are
refused until the admin approves it in the same tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import ADMIN, WRITER, Server, sign_in

pytestmark = pytest.mark.e2e


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def submit(server: Server, token: str, script: str) -> dict[str, Any]:
    body = {
        "script": script,
        "avatar": "template:maya",
        "options": {"size": "256x256", "fps": 15, "preset": "ultrafast"},
    }
    return dict(server.api("POST", "/api/v1/generate", token, body))


def test_admin_approves_and_rejects_held_jobs(page: Any, server: Server, shots: Path) -> None:
    token = server.token(WRITER)
    kept = submit(server, token, "Well, shit happens. Then we fix it.")
    dropped = submit(server, token, "You are a bastard.")
    assert kept["state"] == dropped["state"] == "held"

    sign_in(page, ADMIN)
    page.goto("/#/admin")
    page.get_by_role("tab", name="Moderation").click()
    kept_item = page.locator(f"li[data-review='{kept['job_id']}']")
    dropped_item = page.locator(f"li[data-review='{dropped['job_id']}']")
    expect(kept_item).to_contain_text(WRITER.email)
    why = kept_item.get_by_role("list", name=f"Why job {kept['job_id']} was held")
    expect(why).to_contain_text("profanity")
    page.screenshot(path=str(shots / "admin-moderation-queue.png"), full_page=True)

    dropped_item.get_by_role("button", name="Reject").click()
    dialog = page.get_by_role("dialog", name="Reject this job?")
    dialog.get_by_label("Note (optional)").fill("Insults are not allowed here.")
    dialog.get_by_role("button", name="Reject").click()
    expect(dropped_item).to_have_count(0)

    kept_item.get_by_role("button", name="Approve").click()
    approve = page.get_by_role("dialog", name="Approve this job?")
    approve.get_by_role("button", name="Approve").click()
    expect(kept_item).to_have_count(0)
    expect(page.get_by_text("Nothing to review")).to_be_visible()

    rejected = server.api("GET", f"/api/v1/status/{dropped['job_id']}", token)
    assert rejected["state"] == "failed"
    assert rejected["error"] == "Insults are not allowed here."
    approved = server.api("GET", f"/api/v1/status/{kept['job_id']}", token)
    assert approved["state"] != "held"


def test_admin_approves_an_avatar_named_after_a_public_figure(
    page: Any, server: Server, shots: Path
) -> None:
    token = server.token(WRITER)
    made = server.api(
        "POST", "/api/v1/avatars/train", token, {"template": "maya", "name": "Barack Obama"}
    )
    avatar_id = made["avatar"]["id"]
    assert any("Barack Obama" in w for w in made["warnings"]), made
    job = {"script": "Hello there.", "avatar": avatar_id, "options": {"size": "256x256"}}
    with pytest.raises(AssertionError, match="awaits an admin's review"):
        server.api("POST", "/api/v1/generate", token, job)

    sign_in(page, ADMIN)
    page.goto("/#/admin")
    page.get_by_role("tab", name="Moderation").click()
    row = page.locator(f"tr[data-flag='avatar-{avatar_id}']")
    expect(row).to_contain_text("Barack Obama")
    expect(row).to_contain_text(WRITER.email)
    page.screenshot(path=str(shots / "admin-moderation-flags.png"), full_page=True)
    row.get_by_role("button", name="Approve avatar Barack Obama").click()
    dialog = page.get_by_role("dialog", name="Approve this avatar?")
    dialog.get_by_label("Note (optional)").fill("Our own illustrated host, not a likeness.")
    dialog.get_by_role("button", name="Approve").click()
    expect(row).to_have_count(0)
    expect(page.get_by_text("Approved: jobs may use the avatar")).to_be_visible()

    queue = server.api("GET", "/api/v1/admin/reviews", server.token(ADMIN))
    assert avatar_id not in [f["resource_id"] for f in queue["resources"]]
    accepted = server.api("POST", "/api/v1/generate", token, job)
    server.api("DELETE", f"/api/v1/jobs/{accepted['job_id']}", token)  # no render needed
