"""axe-core finds no violations on a survey's results pages and on the public consultations pages."""

from datetime import date

import pytest

from app.surveys import outcomes, themes
from tests.browser_support import axe_violations, sign_in
from tests.factories import create_staff_user
from tests.representation.helpers import load_area
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response

pytestmark = pytest.mark.browser

ROWS = [{"code": "wait", "label": "Waiting time"}, {"code": "staff", "label": "Staff"}]


def _survey():
    survey = create_survey(
        title="Getting to your GP",
        status="closed",
        target_responses=40,
        pages=[
            [
                {"kind": "single", "text": "How do you usually travel?", "options": TRANSPORT},
                {"kind": "multiple", "text": "Which have you used?", "options": TRANSPORT},
                {"kind": "matrix", "text": "How much do you agree?", "rows": ROWS},
                {"kind": "ranking", "text": "Put these in order", "options": TRANSPORT},
                {"kind": "number", "text": "How many visits?"},
                {"kind": "date", "text": "When did you last visit?"},
                {"kind": "rating", "text": "How likely are you to recommend us?"},
                {"kind": "long_text", "text": "What would make it easier?"},
            ]
        ],
    )
    single, multiple, matrix, ranking, number, when, rating, text = questions_of(survey)
    # Enough people in each group (sex, age band) for the cross-tabulation to show a breakdown.
    for n in range(120):
        create_response(
            survey,
            {
                single.id: "bus" if n % 3 else "car",
                multiple.id: ["bus", "walk"],
                matrix.id: {"wait": "agree", "staff": "disagree"},
                ranking.id: ["car", "bus", "walk"],
                number.id: n,
                when.id: date(2026, 1 + n % 3, 5).isoformat(),
                rating.id: str(n % 11),
                text.id: f"More buses on route {n}",
            },
            equality={"sex": "female" if n % 2 else "male", "age_band": "35_44"},
        )
    theme = themes.create_theme(survey, text.id, "Buses")
    themes.set_tag(survey, theme.id, themes.text_answers(text).items[0]["answer_id"], True)
    outcomes.publish_outcome(
        survey,
        {
            "we_asked": "How you travel.",
            "you_said": "More buses.\n\nSafer crossings.",
            "we_did": "We asked the council.",
        },
    )
    return survey


def test_results_pages_have_no_axe_violations(app, live_server, page):
    load_area()
    survey = _survey()
    sign_in(page, live_server, create_staff_user("admin"))
    found = {}
    for path in ("results", "free-text", "crosstab", "crosstab?by=sex", "crosstab?by=pcn", "reach", "outcome"):
        response = page.goto(f"{live_server}/staff/surveys/{survey.id}/{path}")
        assert response.status == 200, path
        if path.startswith("crosstab?by=sex"):
            assert page.locator("#crosstab th", has_text="Female").count() == 1
        if path == "crosstab":  # one age band shown, the others held back with the floor message
            assert page.locator("#crosstab").count() == 1 and page.locator("#held-back").count() == 1
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, found


def test_public_consultation_pages_have_no_axe_violations(app, live_server, page):
    survey = _survey()
    found = {}
    for path in ("/consultations/", f"/consultations/{survey.slug}"):
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert "Getting to your GP" in page.content()
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, found
    page.goto(live_server + "/consultations/")
    with page.expect_navigation():
        page.click("text=Getting to your GP")
    heading = page.locator("h2", has_text="We did")
    heading.wait_for(state="visible", timeout=5000)
    assert heading.is_visible()
