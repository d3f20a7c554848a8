"""Skip logic on the survey page: links between a deciding question and what it shows, and no dead links."""

import re

import pytest

from app.surveys import builder, services
from tests.factories import create_staff_user, login
from tests.surveys.answer_factories import post as public_post
from tests.surveys.answer_factories import start
from tests.surveys.builder_factories import add, create_draft, first_page


@pytest.fixture(autouse=True)
def _in_app(app):
    return app


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _branching_survey():
    """Page 1: do you drive? (and, on the same page, where do you park). Page 2, for drivers: parking."""
    survey = create_draft()
    page = first_page(survey)
    drive = add(page, "yes_no", "Do you drive?")
    park = add(page, "short_text", "Where do you park?")
    builder.set_question_condition(park, {"question_id": drive.id, "op": "equals", "values": ["yes"]})
    second = builder.add_page(survey, "Parking")
    easy = add(second, "likert", "Parking is easy")
    builder.set_page_condition(second, {"question_id": drive.id, "op": "any_of", "values": ["yes"]})
    return survey, drive, park, second, easy


def test_the_deciding_question_links_to_and_names_what_it_shows(client):
    survey, drive, park, second, _ = _branching_survey()
    login(client, create_staff_user("engagement"))
    page = text(client.get(f"/staff/surveys/{survey.id}"))

    decides = page.split(f'id="question-{drive.id}"')[1].split(f'id="question-{park.id}"')[0]
    assert "Its answer decides whether these are shown:" in decides
    assert f'<a href="#question-{park.id}">Question 2: Where do you park?</a>' in decides
    assert f'<a href="#page-{second.id}">Page 2: Parking</a>' in decides


def test_what_is_shown_only_sometimes_links_back_to_the_question_deciding_it(client):
    survey, drive, park, second, _ = _branching_survey()
    login(client, create_staff_user("engagement"))
    page = text(client.get(f"/staff/surveys/{survey.id}"))

    on_page_two = page.split(f'id="page-{second.id}"')[1]
    assert "Shown only if</strong> “Do you drive?” is Yes." in on_page_two
    assert f'<a href="#question-{drive.id}">Go to question 1' in on_page_two.split("</p>")[0]
    on_question_two = page.split(f'id="question-{park.id}"')[1].split("</li>")[0]
    assert f'<a href="#question-{drive.id}">Go to question 1' in on_question_two


def test_skip_logic_is_not_offered_where_there_is_nothing_before_to_depend_on(client):
    survey, drive, park, second, easy = _branching_survey()
    login(client, create_staff_user("engagement"))
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    first = builder.pages_of(survey)[0]

    assert f"/pages/{first.id}/skip" not in page and f"/questions/{drive.id}/skip" not in page
    assert f"/pages/{second.id}/skip" in page and f"/questions/{park.id}/skip" in page
    assert f"/questions/{easy.id}/skip" in page


def test_the_public_form_follows_the_skip_logic_the_builder_shows(client):
    survey, drive, park, second, easy = _branching_survey()
    services.publish(survey)
    start(client, survey)
    url = f"/surveys/{survey.slug}/page/1"
    reply = public_post(client, url, {f"q{drive.id}": "no", f"q{park.id}": "Behind the surgery"})
    assert reply.headers["Location"].endswith(f"/surveys/{survey.slug}/check")
    check = text(client.get(f"/surveys/{survey.slug}/check"))
    assert "Parking is easy" not in check and "Behind the surgery" not in check

    reply = public_post(client, url, {f"q{drive.id}": "yes", f"q{park.id}": "Behind the surgery"})
    assert reply.headers["Location"].endswith(f"/surveys/{survey.slug}/page/2")
    assert "Parking is easy" in text(client.get(reply.headers["Location"]))


def test_a_condition_left_without_anything_before_it_can_still_be_removed(client):
    survey, drive, _, second, _ = _branching_survey()
    second.show_if = {"question_id": drive.id, "op": "equals", "values": ["yes"]}
    first = builder.pages_of(survey)[0]
    first.show_if = {"question_id": 999, "op": "answered", "values": []}  # as an old import may have left it
    from app.extensions import db

    db.session.commit()
    login(client, create_staff_user("engagement"))
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    assert f"/pages/{first.id}/skip" in page and "no longer in the survey" in page
