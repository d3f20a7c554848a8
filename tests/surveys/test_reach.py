"""Reach: a survey's respondents compared with the Census population of the area served."""

from datetime import date

import pytest

from app.errors import InvalidRequest
from app.representation import services as representation
from app.surveys import reach
from tests.factories import create_member, create_staff_user, login
from tests.representation.helpers import load_area
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response


def _characteristic(results, key):
    return next(c for c in results["characteristics"] if c["key"] == key)


def test_reach_names_the_groups_not_heard(app):
    load_area()
    survey = create_survey(mode="anonymous")
    travel = questions_of(survey)[0]
    for _n in range(60):
        create_response(survey, {travel.id: "bus"}, equality={"sex": "female", "age_band": "65_74"})

    results = reach.survey_reach(survey, on=date(2026, 6, 1))

    sex = _characteristic(results, "sex")
    counts = {c["category"]: c["count"] for c in sex["categories"]}
    assert abs(counts["Female"] - 60) <= 5 and counts["Female"] % 5 == 0 and counts["Male"] == 0
    assert "Sex: no one from Male answered." in results["not_heard"]
    # Self-reported bands put everyone on the coarse bands both sets of bands fit into.
    age = _characteristic(results, "age_band")
    assert age["status"] == "ok" and any("age band" in note for note in age["notes"])
    assert _characteristic(results, "imd_decile")["status"] == "no_data"


def test_identified_responses_fall_back_to_the_members_answers_and_age(app):
    load_area()
    survey = create_survey(mode="invitation")
    travel = questions_of(survey)[0]
    for _n in range(25):
        member = create_member(equality={"sex": "male"}, date_of_birth=date(1960, 3, 1))
        create_response(survey, {travel.id: "car"}, member=member)

    counts = reach.respondent_counts(survey, date(2026, 6, 1))

    # Cells, never counts: the same 25 people make the same cell whichever way they are grouped.
    assert set(counts["answers"]["sex"]) == {"male"}
    assert counts["answers"]["sex"]["male"] == counts["people"]
    assert [(born, band) for born, band, _ in counts["ages"]] == [(date(1960, 3, 1), None)]
    assert counts["ages"][0][2] == counts["people"]


def test_reach_without_an_area_says_what_to_do(app):
    survey = create_survey()
    with pytest.raises(InvalidRequest) as caught:
        reach.survey_reach(survey)
    assert "Choose the area your organisation serves" in caught.value.message


def test_the_representation_audit_can_audit_an_identified_surveys_respondents(app):
    load_area()
    survey = create_survey(mode="invitation")
    travel = questions_of(survey)[0]
    for _ in range(60):
        member = create_member(equality={"sex": "female"})
        create_response(survey, {travel.id: "bus"}, member=member)
    create_member(equality={"sex": "male"})  # a member who did not answer

    results = representation.run_audit(
        "survey_respondents", {"survey_id": str(survey.id)}, date(2026, 6, 1), exact=True
    )
    assert results["people"] == 60

    anonymous = create_survey(mode="anonymous")
    with pytest.raises(InvalidRequest) as caught:
        representation.run_audit("survey_respondents", {"survey_id": str(anonymous.id)})
    assert caught.value.errors == {"survey_id": "Choose a survey that is not anonymous"}


def test_reach_page_shows_the_comparison(app, client):
    load_area()
    survey = create_survey(mode="anonymous")
    travel = questions_of(survey)[0]
    for _n in range(60):
        create_response(survey, {travel.id: "bus"}, equality={"sex": "female"})
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/surveys/{survey.id}/reach").get_data(as_text=True)
    assert "Groups not heard" in page and "no one from Male answered" in page
    assert "Open Government Licence" in page
