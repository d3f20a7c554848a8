"""The question bank: save a question once, copy it into any survey, remove it without touching the copies."""

import pytest

from app.errors import InvalidRequest
from app.surveys import bank, builder
from tests.factories import create_staff_user, csrf_token, login
from tests.surveys.builder_factories import add, create_draft, first_page


@pytest.fixture(autouse=True)
def _in_app(app):
    return app


def test_a_saved_question_is_copied_into_another_survey_and_outlives_its_removal():
    question = add(first_page(create_draft()), "likert", "The receptionist was helpful", required=True)
    saved = bank.save_to_bank(question)
    assert [b.text for b in bank.list_bank()] == ["The receptionist was helpful"]
    with pytest.raises(InvalidRequest) as info:
        bank.save_to_bank(question)
    assert info.value.message == "This question is already in the question bank."
    assert len(bank.list_bank()) == 1

    other = create_draft("Another survey")
    page = first_page(other)
    add(page, "yes_no", "Were you seen on time?")
    copy = bank.add_from_bank(page, saved)
    assert (copy.kind, copy.text, copy.required, copy.position) == ("likert", "The receptionist was helpful", True, 2)
    assert copy.options == question.options and copy.id != question.id

    bank.delete_bank_question(saved)
    assert bank.list_bank() == []
    assert [q.text for q in builder.questions_of(other)][-1] == "The receptionist was helpful"


def test_staff_use_the_bank_through_the_pages(client):
    question = add(first_page(create_draft("Source")), "single", "How do you travel?", options="Bus\nCar")
    target = create_draft("Target")
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/surveys/{question.survey_id}").get_data(as_text=True)
    token = csrf_token(page)
    response = client.post(
        f"/staff/surveys/{question.survey_id}/questions/{question.id}/bank", data={"csrf_token": token}
    )
    assert response.status_code == 302
    listing = client.get("/staff/surveys/bank").get_data(as_text=True)
    assert "How do you travel?" in listing and "Bus; Car" in listing

    page_id = first_page(target).id
    form = client.get(f"/staff/surveys/{target.id}/pages/{page_id}/bank").get_data(as_text=True)
    assert "How do you travel? (Single choice (radios))" in form
    bad = client.post(f"/staff/surveys/{target.id}/pages/{page_id}/bank", data={"csrf_token": token})
    assert bad.status_code == 400 and "Choose a question from the bank" in bad.get_data(as_text=True)
    saved = bank.list_bank()[0]
    client.post(
        f"/staff/surveys/{target.id}/pages/{page_id}/bank", data={"csrf_token": token, "bank_question_id": saved.id}
    )
    assert [q.text for q in builder.questions_of(target)] == ["How do you travel?"]

    client.post(f"/staff/surveys/bank/{saved.id}/delete", data={"csrf_token": token})
    assert "The bank is empty" in client.get("/staff/surveys/bank").get_data(as_text=True)
