"""Public event pages in Chromium: keyboard-only registration, waiting list, cancellation; axe-core on each page."""

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import clock
from tests.rosters.factories import create_meeting

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # axe-core is injected as an inline script, which the strict CSP (rightly) refuses.
        yield browser.new_context(bypass_csp=True).new_page()
        browser.close()


def assert_accessible(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})"
    )
    problems = [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert problems == [], f"{page.url}: {problems}"


def _tab_to(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the keyboard")


def test_register_wait_and_cancel_with_keyboard_and_axe(server, page, outbox):
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
    assert page.locator("h1").inner_text() == "You are registered"
    assert_accessible(page)

    page.goto(f"{server}/events/{event.id}")
    assert "This event is full" in page.content()
    page.click("button[type=submit]")  # empty form: errors
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    page.fill("#name", "Jo Bloggs")
    page.fill("#email", "jo@example.org")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "You are on the waiting list"

    sam = [m for m in outbox() if m["to"] == "sam@example.org"][0]
    path = re.search(r"http://localhost(/events/cancel/\S+)", sam["text"]).group(1)
    page.goto(server + path)
    assert_accessible(page)
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Your place is cancelled"
    assert_accessible(page)
    assert any(m["to"] == "jo@example.org" and "place is now free" in m["subject"] for m in outbox())

    page.goto(f"{server}/events/cancel/not-a-real-token")
    assert page.locator("h1").inner_text() == "This link does not work"
    assert_accessible(page)
