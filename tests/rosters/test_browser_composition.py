"""The roster page's composition in Chromium: protected, too small to show, and exact; axe-core on each."""

from datetime import date

import pytest

from tests.browser_support import WCAG_TAGS, axe_violations, sign_in
from tests.factories import create_member, create_staff_user
from tests.rosters.factories import add, create_roster

pytestmark = pytest.mark.browser


def test_composition_views_have_no_accessibility_violations(live_server, page):
    cabinet = create_roster("Patient Cabinet")
    for i in range(60):
        add(cabinet, create_member(date_of_birth=date(1950 + i % 40, 1, 1), equality={"ethnic_group": "white"}))
    small = create_roster("Young People's Health Advocates")
    add(small, create_member(equality={"ethnic_group": "asian"}))
    sign_in(page, live_server, create_staff_user("engagement"))
    for path, shows in (
        (f"/staff/rosters/{cabinet.id}", "Share of those who answered"),
        (f"/staff/rosters/{cabinet.id}?exact=1", "Exact: not for publication"),
        (f"/staff/rosters/{small.id}", "Fewer than 50 people answered"),
    ):
        page.goto(live_server + path)
        assert page.get_by_text(shows).count() > 0, path
        assert axe_violations(page, WCAG_TAGS) == [], path
    page.goto(f"{live_server}/staff/rosters/{cabinet.id}?exact=1")
    with page.expect_navigation():
        page.get_by_role("link", name="Show the protected figures").click()
    assert "exact" not in page.url and page.get_by_text("Exact: not for publication").count() == 0
