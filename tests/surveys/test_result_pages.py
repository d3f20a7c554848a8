"""The staff results pages: what each role sees, figures on the page, themes and the outcome form."""

import re

import pytest

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.surveys.models import AnswerTheme, Theme
from tests.factories import create_staff_user, csrf_token, login
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response, create_responses


@pytest.fixture
def config_overrides():
    return {"SUPPRESS_BELOW": 8, "ROUND_TO": 5}


def _survey_with_answers():
    survey = create_survey(
        pages=[
            [
                {"kind": "single", "text": "How do you usually travel?", "options": TRANSPORT},
                {"kind": "long_text", "text": "What would make it easier?"},
                {"kind": "likert", "text": "Parking is easy"},
            ]
        ]
    )
    travel, text, likert = questions_of(survey)
    create_responses(survey, 20, answers={travel.id: "bus", text.id: "More buses", likert.id: "agree"})
    create_responses(survey, 3, answers={travel.id: "walk", text.id: "Safer pavements"})
    return survey


def test_results_page_shows_suppressed_tables_and_tracking(app, client):
    survey = _survey_with_answers()
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/surveys/{survey.id}/results").get_data(as_text=True)

    assert "How do you usually travel?" in page
    assert '<th scope="row" class="nhsuk-table__cell">Bus</th>' in page
    assert ">20<" in page  # 20 bus answers, rounded to the nearest 5
    assert ">*<" in page  # 3 walkers are hidden
    assert "Completed" in page and "Strongly agree" in page
    # Analysts see aggregates only: no free text, no response exports.
    assert "free-text" not in page and "responses.csv" not in page


def test_engagement_reads_searches_and_tags_free_text(app, client):
    survey = _survey_with_answers()
    text = questions_of(survey)[1]
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}&q=pavements").get_data(as_text=True)
    assert page.count("Safer pavements") == 3 and "More buses" not in page
    assert db.session.scalar(db.select(AuditLogEntry.detail).where(AuditLogEntry.action == "view")) == (
        f"free-text answers to question {text.id}"
    )
    token = csrf_token(page)

    response = client.post(
        f"/staff/surveys/{survey.id}/themes", data={"csrf_token": token, "question_id": text.id, "name": "Walking"}
    )
    assert response.status_code == 302
    theme = db.session.scalar(db.select(Theme))
    assert theme.name == "Walking"
    answer_id = int(re.search(r'id="answer-(\d+)"', page).group(1))
    client.post(
        f"/staff/surveys/{survey.id}/themes/{theme.id}/tag",
        data={"csrf_token": token, "answer_id": answer_id, "action": "tag"},
    )
    assert db.session.scalar(db.select(AnswerTheme.answer_id)) == answer_id
    page = client.get(f"/staff/surveys/{survey.id}/free-text?question={text.id}").get_data(as_text=True)
    assert "Remove<span" in page

    bad = client.post(f"/staff/surveys/{survey.id}/themes", data={"csrf_token": token, "question_id": text.id})
    assert "Enter a name for the theme" in client.get(bad.headers["Location"]).get_data(as_text=True)


def test_analysts_cannot_read_free_text(app, client):
    survey = _survey_with_answers()
    login(client, create_staff_user("analyst"))
    assert client.get(f"/staff/surveys/{survey.id}/free-text").status_code == 403


def test_crosstab_page_says_where_deprivation_comes_from(app, client):
    survey = _survey_with_answers()
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/surveys/{survey.id}/crosstab?by=sex").get_data(as_text=True)
    assert "Not known or preferred not to say" in page
    assert "Open and anonymous responses have no postcode" in page
    bad = client.get(f"/staff/surveys/{survey.id}/crosstab?by=shoes").get_data(as_text=True)
    assert "Choose a characteristic to compare by" in bad


def test_response_export_is_logged(app, client):
    survey = _survey_with_answers()
    login(client, create_staff_user("engagement"))
    response = client.get(f"/staff/surveys/{survey.id}/responses.csv?style=codes")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "export"))
    assert entry.record_type == "survey" and entry.record_id == str(survey.id)
    assert client.get(f"/staff/surveys/{survey.id}/responses.csv?style=odd").status_code == 400


def test_missing_survey_is_a_plain_404(app, client):
    login(client, create_staff_user("admin"))
    assert client.get("/staff/surveys/999/results").status_code == 404


def test_results_of_a_survey_without_responses(app, client):
    survey = create_survey()
    create_response(survey, {}, completed=False)
    login(client, create_staff_user("admin"))
    page = client.get(f"/staff/surveys/{survey.id}/results").get_data(as_text=True)
    assert "No answers yet" in page


def test_odd_numbers_in_addresses_get_a_page_not_an_error(app, client):
    survey = _survey_with_answers()
    login(client, create_staff_user("admin"))
    assert client.get(f"/staff/surveys/{survey.id}/free-text?page=²&theme=²").status_code == 200
    odd = client.get(f"/staff/surveys/{survey.id}/crosstab?question=²&by=sex")
    assert odd.status_code == 200 and "Choose a choice question" in odd.get_data(as_text=True)
    assert client.get(f"/staff/surveys/{survey.id}/responses?page=99999999999999999999").status_code == 200
