"""The audit and panel pages in Chromium: axe-core finds no accessibility violations."""

import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD, create_member, create_staff_user
from tests.representation.helpers import born_years_before, load_area

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.mark.browser
def test_audit_and_panel_pages_have_no_accessibility_violations(server):
    from playwright.sync_api import sync_playwright

    load_area()
    on = date(2026, 6, 1)
    for i in range(30):
        create_member(date_of_birth=born_years_before(on, 30 + i), equality={"ethnic_group": "white", "sex": "female"})
    user = create_staff_user("engagement")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(bypass_csp=True)
        page.goto(server + "/staff/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/login" not in page.url
        for path in (
            "/staff/representation/?on=2026-06-01",
            "/staff/representation/area",
            "/staff/representation/audits",
            "/staff/panels/",
        ):
            page.goto(server + path)
            assert "/login" not in page.url
            assert page.locator("h1").count() == 1
            assert _violations(page) == [], path
        page.goto(server + "/staff/representation/?on=2026-06-01")
        assert page.get_by_text("Under-represented").count() > 0
        browser.close()
