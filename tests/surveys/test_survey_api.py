"""The surveys API: surveys with questions, suppressed results, and role-restricted responses."""

import pytest

from app.audit.models import AuditLogEntry
from app.auth import services as auth
from app.extensions import db
from tests.factories import create_member
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response, create_responses


@pytest.fixture
def config_overrides():
    return {"SUPPRESS_BELOW": 8, "ROUND_TO": 5}


def _headers(role="analyst"):
    _, secret = auth.create_api_token(f"{role} client", role)
    return {"Authorization": f"Bearer {secret}"}


def _survey(mode="open"):
    return create_survey(
        mode=mode,
        pages=[[{"kind": "single", "text": "Travel", "options": TRANSPORT}, {"kind": "rating", "text": "Score"}]],
    )


def test_list_and_one_survey_with_its_questions(client):
    survey = _survey()
    listed = client.get("/api/v1/surveys", headers=_headers()).get_json()
    assert [s["id"] for s in listed] == [survey.id]
    detail = client.get(f"/api/v1/surveys/{survey.id}", headers=_headers()).get_json()
    questions = detail["pages"][0]["questions"]
    assert [q["text"] for q in questions] == ["Travel", "Score"]
    assert questions[0]["options"][0] == {"code": "bus", "label": "Bus"}
    assert len(questions[1]["options"]) == 11  # 0 to 10
    assert client.get("/api/v1/surveys/999", headers=_headers()).status_code == 404


def test_results_are_suppressed(client):
    survey = _survey()
    travel, score = questions_of(survey)
    create_responses(survey, 11, answers={travel.id: "bus", score.id: "9"})
    create_responses(survey, 2, answers={travel.id: "car", score.id: "1"})

    body = client.get(f"/api/v1/surveys/{survey.id}/results", headers=_headers()).get_json()

    assert body["responses"] == 15
    table = {r["category"]: r["count"] for r in body["questions"][0]["table"]}
    assert table == {"Bus": 10, "Car": "*", "Walk": 0, "Total": "*"}
    assert body["tracking"]["completed"] == 15
    assert body["questions"][1]["mean"] == pytest.approx(7.8, abs=0.05)


def test_responses_need_the_responses_permission(client):
    survey = _survey()
    assert client.get(f"/api/v1/surveys/{survey.id}/responses", headers=_headers("analyst")).status_code == 403
    assert client.get(f"/api/v1/surveys/{survey.id}/responses", headers=_headers("comms")).status_code == 403


def test_identified_responses_carry_the_member_and_are_logged(client):
    survey = _survey("invitation")
    travel = questions_of(survey)[0]
    member = create_member()
    create_response(survey, {travel.id: "walk"}, member=member, invited=True)
    create_response(survey, {travel.id: "bus"}, completed=False)

    body = client.get(f"/api/v1/surveys/{survey.id}/responses", headers=_headers("engagement")).get_json()

    assert body["total"] == 1
    item = body["items"][0]
    assert item["member_id"] == member.id and item["invitation_id"]
    assert item["answers"] == {str(travel.id): "walk"}
    everything = client.get(
        f"/api/v1/surveys/{survey.id}/responses?complete=false", headers=_headers("engagement")
    ).get_json()
    assert everything["total"] == 2
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "view")).record_id == str(survey.id)


def test_anonymous_responses_have_no_member_or_invitation(client):
    survey = _survey("anonymous")
    travel = questions_of(survey)[0]
    create_response(survey, {travel.id: "car"}, member=create_member())

    item = client.get(f"/api/v1/surveys/{survey.id}/responses", headers=_headers("admin")).get_json()["items"][0]

    assert "member_id" not in item and "invitation_id" not in item
    assert len(item["completed_at"]) == 10
    assert item["answers"] == {str(travel.id): "car"}


def test_bad_paging_is_a_field_error(client):
    survey = _survey()
    response = client.get(f"/api/v1/surveys/{survey.id}/responses?per_page=0", headers=_headers("admin"))
    assert response.status_code == 400 and "per_page" in response.get_json()["errors"]


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("", "/{survey_id}", "/{survey_id}/results", "/{survey_id}/responses"):
        assert f"/api/v1/surveys{path}" in paths


def test_responses_carry_the_number_staff_see_on_the_pages_and_in_the_csv(client):
    other = _survey()
    create_responses(other, 3, answers={questions_of(other)[0].id: "bus"})
    survey = _survey()
    travel = questions_of(survey)[0]
    create_response(survey, {travel.id: "car"}, completed=False)
    create_response(survey, {travel.id: "walk"})

    body = client.get(f"/api/v1/surveys/{survey.id}/responses", headers=_headers("engagement")).get_json()

    [item] = body["items"]
    assert item["number"] == 2 and item["answers"] == {str(travel.id): "walk"}
