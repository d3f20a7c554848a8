"""Who may read and who may change surveys, checked on every builder page with real surveys, pages and questions."""

import itertools

import pytest

from app.auth.permissions import PERMISSIONS, ROLES
from app.extensions import db
from app.surveys import bank
from app.surveys.models import Question, Survey
from tests.factories import create_staff_user, csrf_token, login
from tests.surveys.builder_factories import add, create_draft, first_page


@pytest.fixture(autouse=True)
def _in_app(app):
    return app


_seq = itertools.count(1)


def _objects() -> dict:
    survey = create_draft("Roles")
    page = first_page(survey)
    question = add(page, "single", f"How do you travel? ({next(_seq)})", options="Bus\nCar")
    add(page, "short_text", "Which route?")
    saved = bank.save_to_bank(question)
    return {
        "survey_id": survey.id,
        "page_id": page.id,
        "question_id": question.id,
        "bank_question_id": saved.id,
        "action": "publish",
        "language": "cy",
    }


def test_every_builder_page_answers_each_role_as_the_permission_table_says(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("surveys.")]
    assert len(rules) >= 20
    problems = []
    for role in ROLES:
        client = app.test_client()
        login(client, create_staff_user(role))
        token = csrf_token(client.get("/staff/account").get_data(as_text=True))
        for rule in rules:
            permission = app.view_functions[rule.endpoint].required_permission
            assert permission in ("surveys.view", "surveys.edit"), rule.endpoint
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                values = _objects()  # fresh objects, so a deletion cannot spoil the next request
                path = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
                response = client.open(path, method=method, data=None if method == "GET" else {"csrf_token": token})
                allowed = role in PERMISSIONS[permission]
                status = response.status_code
                if allowed and status in (401, 403, 404, 500):
                    problems.append(f"{role} {method} {path}: {status}")
                if not allowed and status != 403:
                    problems.append(f"{role} {method} {path}: expected 403, got {status}")
    assert not problems, "\n".join(problems)


def test_a_role_that_may_only_read_sees_no_way_to_change_a_survey(client):
    survey = create_draft("Read only")
    add(first_page(survey), "yes_no", "Do you drive?")
    login(client, create_staff_user("comms"))
    page = client.get(f"/staff/surveys/{survey.id}").get_data(as_text=True)
    assert "Do you drive?" in page
    for action in ("Change details", "Publish", "Add a question", "Skip logic", "Save to bank", "Add a page"):
        assert action not in page
    listing = client.get("/staff/surveys/").get_data(as_text=True)
    assert "Read only" in listing and "New survey" not in listing
    token = csrf_token(client.get("/staff/account").get_data(as_text=True))
    question = db.session.scalar(db.select(Question))
    assert (
        client.post(
            f"/staff/surveys/{survey.id}/questions/{question.id}/delete", data={"csrf_token": token}
        ).status_code
        == 403
    )
    assert db.session.get(Question, question.id) is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(Survey)) == 1
