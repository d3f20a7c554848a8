"""A survey answered in Welsh in Chromium: Welsh questions, no axe-core violations, the answers stored as in English."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.surveys import translations
from app.surveys.models import Answer, Response
from tests.browser.conftest import axe_violations
from tests.surveys.factories import TRANSPORT, create_survey, questions_of

pytestmark = pytest.mark.browser


def _welsh_survey():
    survey = create_survey(
        title="Travelling to your GP",
        pages=[
            [
                {"kind": "single", "text": "How do you usually travel?", "options": TRANSPORT, "required": True},
                {"kind": "multiple", "text": "Which have you used?", "options": TRANSPORT},
            ],
            [{"kind": "yes_no", "text": "Would you come again?", "required": True}],
        ],
    )
    travel, used, again = questions_of(survey)
    welsh = {"bus": "Bws", "car": "Car modur", "walk": "Cerdded"}
    form = {
        "f-survey-title": "Teithio i'ch meddyg teulu",
        "f-survey-introduction": "Dywedwch wrthym sut rydych chi'n cyrraedd eich meddygfa.",
        f"f-page-{survey.pages[0].id}-title": "Eich taith",
        f"f-page-{survey.pages[1].id}-title": "Eto",
        f"f-question-{travel.id}-text": "Sut ydych chi'n teithio fel arfer?",
        f"f-question-{used.id}-text": "Pa rai ydych chi wedi'u defnyddio?",
        f"f-question-{again.id}-text": "Fyddech chi'n dod eto?",
        f"f-question-{again.id}-option-yes": "Byddwn",
        f"f-question-{again.id}-option-no": "Na fyddwn",
    }
    for question in (travel, used):
        form.update({f"f-question-{question.id}-option-{code}": label for code, label in welsh.items()})
    translations.save(survey, "cy", form)
    assert translations.progress(survey, "cy").complete
    return survey


def test_a_survey_answered_in_welsh_has_no_axe_violations(app, live_server, page):
    survey = _welsh_survey()
    travel, used, again = questions_of(survey)
    page.goto(f"{live_server}/surveys/{survey.slug}?lang=cy")
    assert page.get_attribute("html", "lang") == "cy"
    assert page.locator("h1").inner_text() == "Teithio i'ch meddyg teulu"
    # The switch offers English and Welsh: the survey is not in Urdu.
    assert page.locator("a[hreflang=en]").count() == 1 and page.locator("a[hreflang=ur]").count() == 0
    assert axe_violations(page) == [], "start page"
    page.get_by_role("button", name="Dechrau nawr").click()

    expect(page.locator("h1")).to_have_text("Eich taith")
    page.get_by_role("button", name="Parhau").click()  # nothing chosen: the Welsh error
    # The same address comes back with the errors, so wait for the new page rather than read the old one.
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Mae problem")
    expect(summary.get_by_role("link", name="Dewiswch ateb")).to_be_visible()
    expect(summary, "the error summary takes focus").to_be_focused()
    assert axe_violations(page) == [], "page 1 with an error"
    page.get_by_label("Car modur").first.check()
    page.get_by_role("group", name="Pa rai ydych chi wedi'u defnyddio?").get_by_label("Bws").check()
    page.get_by_role("button", name="Parhau").click()

    expect(page.locator("h1")).to_have_text("Eto")
    assert axe_violations(page) == [], "page 2"
    page.get_by_label("Byddwn").check()
    page.get_by_role("button", name="Parhau").click()

    expect(page.locator("main")).to_contain_text("Car modur")
    assert page.get_attribute("html", "lang") == "cy"
    assert axe_violations(page) == [], "check answers"
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(f"{live_server}/surveys/{survey.slug}/done")
    assert page.get_attribute("html", "lang") == "cy"
    assert axe_violations(page) == [], "done"

    db.session.expire_all()
    [response] = db.session.scalars(db.select(Response).where(Response.survey_id == survey.id)).all()
    assert response.completed_at is not None and response.language == "cy"
    answers = {
        a.question_id: a.value for a in db.session.scalars(db.select(Answer).where(Answer.response_id == response.id))
    }
    assert answers == {travel.id: "car", used.id: ["bus"], again.id: "yes"}
