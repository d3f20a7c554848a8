"""Public survey pages in Chromium: answered with the keyboard alone, and axe-core on every page."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.surveys import responses as answering
from app.surveys.models import Invitation, Response, ResponseEquality
from tests.browser.conftest import axe_violations
from tests.factories import create_member
from tests.surveys.factories import TRANSPORT, create_survey, questions_of

pytestmark = pytest.mark.browser

ROWS = [{"code": "booking", "label": "Booking is easy"}, {"code": "staff", "label": "Staff are kind"}]


def _survey(**fields):
    survey = create_survey(
        pages=[
            [{"kind": "yes_no", "text": "Do you drive?", "required": True}],
            [{"kind": "likert", "text": "Parking is easy", "required": True}],
            [
                {"kind": "multiple", "text": "Which have you used?", "options": TRANSPORT, "required": True},
                {"kind": "ranking", "text": "Put these in order", "options": TRANSPORT},
                {"kind": "date", "text": "When did you last visit?"},
            ],
            [
                {"kind": "matrix", "text": "How do you feel?", "rows": ROWS, "required": True},
                {"kind": "long_text", "text": "Anything else?"},
            ],
        ],
        include_equality=True,
        consent_question="I agree that my answers may be used to plan local services.",
        **fields,
    )
    drive = questions_of(survey)[0]
    survey.pages[1].show_if = {"question_id": drive.id, "op": "equals", "values": ["yes"]}
    db.session.commit()
    return survey


def _tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key")


def _continue(page) -> None:
    _tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")


def test_a_survey_answered_with_the_keyboard_alone(app, live_server, page):
    survey = _survey()
    drive, parking, used, ranking, visited, grid, anything = questions_of(survey)
    page.goto(f"{live_server}/surveys/{survey.slug}")
    _tab_to(page, "#consent")
    page.keyboard.press("Space")
    _tab_to(page, "button[value=start]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/page/1")
    _tab_to(page, f"#q{drive.id}")
    page.keyboard.press("Space")
    _continue(page)

    page.wait_for_url("**/page/2")
    expect(page.locator("legend")).to_contain_text("Parking is easy")
    _tab_to(page, f"#q{parking.id}")
    page.keyboard.press("ArrowDown")  # from "Strongly agree" to "Agree"
    _continue(page)

    page.wait_for_url("**/page/3")
    _tab_to(page, f"#q{used.id}")
    page.keyboard.press("Space")
    for selector, position in ((f"#q{ranking.id}", "2"), (f"#q{ranking.id}-car", "3"), (f"#q{ranking.id}-walk", "1")):
        _tab_to(page, selector)
        page.keyboard.type(position)
    for part, text in (("day", "4"), ("month", "5"), ("year", "2024")):
        _tab_to(page, f"#q{visited.id}-{part}")
        page.keyboard.type(text)
    _continue(page)

    page.wait_for_url("**/page/4")
    _tab_to(page, f"#q{grid.id}")
    page.keyboard.press("Space")
    _tab_to(page, f"#q{grid.id}-staff-1")
    page.keyboard.press("Space")
    _tab_to(page, f"#q{anything.id}")
    page.keyboard.type("Thank you")
    _continue(page)

    page.wait_for_url("**/about-you")
    _tab_to(page, "#age_band")
    page.keyboard.press("Space")
    _tab_to(page, "#equality_consent")
    page.keyboard.press("Space")
    _tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/check")
    expect(page.locator("h1")).to_have_text("Check your answers before sending them")
    _tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/done")
    expect(page.locator("h1")).to_have_text("Thank you for your answers")

    db.session.expire_all()
    [response] = db.session.scalars(db.select(Response).where(Response.survey_id == survey.id)).all()
    answers = {a.question_id: a.value for a in response.answers}
    assert response.completed_at is not None and response.consented
    assert answers == {
        drive.id: "yes",
        parking.id: "agree",
        used.id: ["bus"],
        ranking.id: ["walk", "bus", "car"],
        visited.id: "2024-05-04",
        grid.id: {"booking": "strongly_agree", "staff": "strongly_agree"},
        anything.id: "Thank you",
    }
    assert db.session.get(ResponseEquality, response.id).age_band == "under_16"


def _check(page, label: str) -> None:
    assert axe_violations(page) == [], label


def test_every_public_survey_page_has_no_axe_violations(app, live_server, page):
    survey = _survey()
    drive, parking, used, ranking, visited, grid, anything = questions_of(survey)
    page.goto(f"{live_server}/surveys/{survey.slug}")
    _check(page, "start")
    page.click("button[value=start]")
    page.wait_for_selector(".nhsuk-error-summary")
    _check(page, "start with an error")
    page.check("#consent")
    page.click("button[value=start]")
    page.wait_for_url("**/page/1")
    _check(page, "page 1")
    page.click("button[value=continue]")
    page.wait_for_selector(".nhsuk-error-summary")
    _check(page, "page 1 with an error")
    page.check(f"#q{drive.id}")
    page.click("button[value=continue]")
    page.wait_for_url("**/page/2")
    _check(page, "page 2")
    page.check(f"#q{parking.id}")
    page.click("button[value=continue]")
    page.wait_for_url("**/page/3")
    _check(page, "page 3")
    page.select_option(f"#q{ranking.id}", "1")
    page.fill(f"#q{visited.id}-day", "40")
    page.click("button[value=continue]")
    page.wait_for_selector(".nhsuk-error-summary")
    _check(page, "page 3 with errors on a ranking, a date and a multiple choice")
    page.check(f"#q{used.id}")
    page.select_option(f"#q{ranking.id}", "")
    page.fill(f"#q{visited.id}-day", "")
    page.click("button[value=save]")
    page.wait_for_url("**/save")
    _check(page, "saved, with the resume link")
    page.click("text=Go back to the survey now")
    page.wait_for_url("**/page/4")
    _check(page, "page 4 with a grid")
    page.check(f"#q{grid.id}")
    page.check(f"#q{grid.id}-staff-2")
    page.click("button[value=continue]")
    page.wait_for_url("**/about-you")
    _check(page, "equality section")
    page.check("#sex")
    page.click("form button[type=submit]")
    page.wait_for_selector(".nhsuk-error-summary")
    _check(page, "equality section with an error")
    page.click("text=Skip these questions >> nth=0")
    page.wait_for_url("**/check")
    _check(page, "check answers")
    page.click("form button[type=submit]")
    page.wait_for_url("**/done")
    _check(page, "confirmation with the offer to join")
    page.click("text=Join the network")
    page.wait_for_selector(".nhsuk-error-summary")
    _check(page, "joining with errors")

    member = create_member()
    identified = create_survey(mode="invitation")
    invitation = Invitation(survey_id=identified.id, member_id=member.id)
    db.session.add(invitation)
    db.session.flush()
    db.session.add(
        Response(survey_id=identified.id, member_id=member.id, invitation_id=invitation.id, completed_at=db.func.now())
    )
    db.session.commit()
    token = answering.survey_token(identified.id, member.id)
    page.goto(f"{live_server}/surveys/{identified.slug}/invited/{token}")
    expect(page.locator("h1")).to_have_text("You have already answered this survey")
    _check(page, "already answered")
    page.goto(f"{live_server}/surveys/{identified.slug}")
    _check(page, "by invitation only")
    page.goto(f"{live_server}/surveys/{identified.slug}/invited/forged")
    expect(page.locator("h1")).to_have_text("This link does not work")
    _check(page, "bad link")
    closed = create_survey(status="closed")
    page.goto(f"{live_server}/surveys/{closed.slug}")
    expect(page.locator("h1")).to_have_text("This survey has closed")
    _check(page, "closed")
    anonymous = create_survey(mode="anonymous")
    page.goto(f"{live_server}/surveys/{anonymous.slug}")
    _check(page, "anonymous start")
