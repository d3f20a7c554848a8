"""A panel draw's page in a real browser: progress while it waits, the outcome after, no axe violations."""

import pytest
from playwright.sync_api import expect

from app.panels import services
from app.panels.selection import HOUSEHOLD
from tests.browser.conftest import axe_violations
from tests.browser_support import sign_in
from tests.factories import create_staff_user

pytestmark = pytest.mark.browser


def _pool(n):
    return [{"id": f"v{i}", "sex": ["Female", "Male", "Other"][i % 3], HOUSEHOLD: ""} for i in range(n)]


QUOTAS = [
    {"feature": "sex", "value": "Female", "min": 1, "max": 3},
    {"feature": "sex", "value": "Male", "min": 1, "max": 3},
    {"feature": "sex", "value": "Other", "min": 0, "max": 2},
]


def test_a_waiting_draw_shows_its_progress_and_moves_on_when_done(live_server, page):
    waiting = services.create_draw("Waiting panel", _pool(90), ["sex"], QUOTAS, 5, "maximin", 11)
    sign_in(page, live_server, create_staff_user("engagement"))
    page.goto(f"{live_server}/staff/panels/{waiting.id}")
    expect(page.get_by_label("Progress")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Waiting for a worker to start")
    assert axe_violations(page) == [], "waiting draw"

    services.start_draw(waiting.id)  # inline: done now, and the page's next poll takes the reader there
    expect(page.locator("#draw-status")).to_have_text("Done", timeout=15_000)
    expect(page.get_by_role("table", name="The panel")).to_be_visible()
    expect(page.get_by_role("table", name="sex")).to_be_visible()
    assert axe_violations(page) == [], "finished draw"


def test_a_draw_without_a_panel_says_what_to_change_accessibly(live_server, page):
    impossible = [dict(q, min=3, max=3) for q in QUOTAS]
    record = services.create_draw("Impossible panel", _pool(90), ["sex"], impossible, 5, "legacy", 11)
    services.start_draw(record.id)
    sign_in(page, live_server, create_staff_user("engagement"))
    page.goto(f"{live_server}/staff/panels/{record.id}")
    expect(page.get_by_role("heading", name="No panel was drawn")).to_be_visible()
    expect(page.get_by_label("Time limit, in seconds")).to_be_visible()
    assert axe_violations(page) == [], "no panel"

    page.fill("input[name=time_limit]", "5")
    with page.expect_navigation():
        page.get_by_role("button", name="Draw again").click()
    expect(page.locator(".nhsuk-error-summary").first).to_be_focused()
    expect(page.locator("#time_limit-error")).to_contain_text("Enter a time limit from 10 to 3600 seconds")
    assert axe_violations(page) == [], "no panel, with errors"
