"""The audit and panel pages in Chromium: axe-core finds no accessibility violations."""

from datetime import date

import pytest

from tests.browser_support import WCAG_TAGS, axe_violations, sign_in
from tests.factories import create_member, create_staff_user
from tests.representation.helpers import born_years_before, load_area


def _violations(page):
    return axe_violations(page, WCAG_TAGS)


@pytest.mark.browser
def test_audit_and_panel_pages_have_no_accessibility_violations(live_server, page):
    server = live_server
    load_area()
    on = date(2026, 6, 1)
    for i in range(60):
        create_member(date_of_birth=born_years_before(on, 20 + i), equality={"ethnic_group": "white", "sex": "female"})
    user = create_staff_user("engagement")
    sign_in(page, server, user)
    for path in (
        "/staff/representation/?on=2026-06-01",
        "/staff/representation/?on=2026-06-01&exact=1",
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


@pytest.mark.browser
def test_every_column_of_the_audit_tables_is_in_view_on_a_laptop_screen(live_server, page):
    load_area()
    on = date(2026, 6, 1)
    for i in range(60):
        create_member(date_of_birth=born_years_before(on, 20 + i), equality={"ethnic_group": "white", "sex": "female"})
    user = create_staff_user("engagement")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, user)
    page.goto(live_server + "/staff/representation/?on=2026-06-01")
    regions = page.locator(".involve-table-scroll")
    assert regions.count() > 0
    # Nothing is hidden behind a sideways scroll (NHS.UK tables stand 2 px out on each side):
    # Ratio, Gap, interval and Flag are on screen.
    hidden = regions.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 8).map(e => [e.scrollWidth, e.clientWidth])"
    )
    assert hidden == []
    assert page.get_by_role("columnheader", name="Flag").first.is_visible()


@pytest.mark.browser
def test_the_board_paper_page_has_no_accessibility_violations_and_draws_its_charts(live_server, page, tmp_path):
    from app.representation import services

    load_area()
    on = date(2026, 6, 1)
    for i in range(60):
        create_member(date_of_birth=born_years_before(on, 20 + i), equality={"ethnic_group": "white", "sex": "female"})
    saved = services.save_annual_audit("Annual audit 2026", on=on)
    user = create_staff_user("analyst")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/staff/representation/audits/{saved.id}/board")
    assert page.locator("h1").count() == 1
    assert _violations(page) == []
    chart = page.get_by_role("img", name="Ethnic group (5 broad groups): members against population")
    assert chart.count() == 1
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    chart.screenshot(path=str(tmp_path / "chart.png"))
    assert not [e for e in errors if "Content Security Policy" in e]


@pytest.mark.browser
def test_choosing_the_group_to_audit_shows_its_own_filters_at_once(live_server, page):
    load_area()
    sign_in(page, live_server, create_staff_user("analyst"))
    page.goto(live_server + "/staff/representation/")
    assert not page.get_by_label("Signed up from (YYYY-MM-DD)").is_visible()
    assert not page.get_by_label("Group (roster)").is_visible()
    page.get_by_label("Group to audit").select_option("signed_up")
    assert page.get_by_label("Signed up from (YYYY-MM-DD)").is_visible()
    assert not page.get_by_label("Group (roster)").is_visible()
    page.get_by_label("Group to audit").select_option("roster")
    assert page.get_by_label("Group (roster)").is_visible()
    assert not page.get_by_label("Signed up from (YYYY-MM-DD)").is_visible()
    assert _violations(page) == []
