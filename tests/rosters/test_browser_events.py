"""Public event pages in Chromium: keyboard-only registration, waiting list, cancellation; axe-core on each page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from tests.browser_support import WCAG_TAGS, axe_violations
from tests.rosters.factories import create_meeting

pytestmark = pytest.mark.browser


def assert_accessible(page):
    problems = axe_violations(page, WCAG_TAGS)
    assert problems == [], f"{page.url}: {problems}"


def _tab_to(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the keyboard")


def test_register_wait_and_cancel_with_keyboard_and_axe(live_server, page, outbox):
    server = live_server
    event = create_meeting(
        None,
        clock.now() + timedelta(days=10),
        title="Big Chat",
        capacity=1,
        registration_open=True,
        accessibility="Step-free access, hearing loop.",
    )
    page.goto(f"{server}/events/")
    assert_accessible(page)

    page.goto(f"{server}/events/{event.id}")
    assert_accessible(page)
    _tab_to(page, "#name")
    page.keyboard.type("Sam Patel")
    _tab_to(page, "#email")
    page.keyboard.type("sam@example.org")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("You are registered")
    assert_accessible(page)

    page.goto(f"{server}/events/{event.id}")
    assert "This event is full" in page.content()
    page.click("button[type=submit]")  # empty form: errors
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#name", "Jo Bloggs")
    page.fill("#email", "jo@example.org")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("You are on the waiting list")

    sam = [m for m in outbox() if m["to"] == "sam@example.org"][0]
    path = re.search(re.escape(server) + r"(/events/cancel/\S+)", sam["text"]).group(1)
    page.goto(server + path)
    assert_accessible(page)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your place is cancelled")
    assert_accessible(page)
    assert any(m["to"] == "jo@example.org" and "place is now free" in m["subject"] for m in outbox())

    page.goto(f"{server}/events/cancel/not-a-real-token")
    expect(page.locator("h1")).to_have_text("This link does not work")
    assert_accessible(page)
