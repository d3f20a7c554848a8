"""In Chromium: free-text answers tagged several at a time with the keyboard alone, a theme deleted after
its confirm page, a group's add-member search; axe-core finds no violations on any of them."""

from datetime import date

import pytest

from app.extensions import db
from app.surveys import themes
from app.surveys.models import AnswerTheme, Theme
from tests.browser_support import axe_violations, sign_in
from tests.factories import create_member, create_practice, create_staff_user
from tests.rosters.factories import create_roster
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response

pytestmark = pytest.mark.browser


def test_tagging_several_answers_with_the_keyboard_then_deleting_the_theme(app, live_server, page):
    survey = create_survey(status="closed", pages=[[{"kind": "long_text", "text": "What would make it easier?"}]])
    [text] = questions_of(survey)
    for words in ("More buses", "Cheaper parking", "More parking spaces", "Safer pavements"):
        create_response(survey, {text.id: words})
    themes.create_theme(survey, text.id, "Parking")
    themes.create_theme(survey, text.id, "Buses")
    sign_in(page, live_server, create_staff_user("engagement"))

    page.goto(f"{live_server}/staff/surveys/{survey.id}/free-text?question={text.id}")
    assert page.get_by_role("heading", name="Answer 2").count() == 1
    assert not axe_violations(page)
    page.get_by_label("Theme", exact=True).focus()
    page.keyboard.press("End")  # the select's options are in name order: Buses, Parking
    for number in (2, 3):
        box = page.get_by_label(f"Select answer {number}")
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
    page.get_by_role("button", name="Add theme to selected answers").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Theme “Parking” added to 2 answers.").count() == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerTheme)) == 2
    assert not axe_violations(page)

    page.get_by_role("link", name="Delete theme Parking").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Delete the theme “Parking”?"
    assert "2 answers carry this theme" in page.locator("#tagged").inner_text()
    assert not axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Delete the theme").click()
    assert page.get_by_text("Theme “Parking” deleted").count() == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerTheme)) == 0
    assert db.session.scalars(db.select(Theme.name)).all() == ["Buses"]


def test_add_member_search_with_namesakes_has_no_axe_violations(app, live_server, page):
    practice = create_practice("M92001", "Beacon Family Practice")
    roster = create_roster("Beacon PPG", "ppg", practice_id=practice.id)
    create_member(first_name="Sam", last_name="Patel", practice_id=practice.id, date_of_birth=date(1961, 4, 2))
    create_member(first_name="Sam", last_name="Patel", postcode="WV3 9QP")
    sign_in(page, live_server, create_staff_user("engagement"))
    page.goto(f"{live_server}/staff/rosters/{roster.id}/members/new?q=Sam+Patel")
    assert page.get_by_label("Sam Patel").count() == 1  # only the Beacon patient can be chosen
    assert "has no GP practice" in page.locator("main").inner_text()
    assert not axe_violations(page)
