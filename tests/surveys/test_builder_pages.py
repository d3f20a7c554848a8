"""The builder's pages: what a member of staff types, sees and is told when something cannot be done."""

import re

import pytest

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.surveys import builder, services
from app.surveys.models import Question, Survey
from tests.factories import create_staff_user, csrf_token, login
from tests.surveys.builder_factories import add, answer, create_draft, first_page


@pytest.fixture(autouse=True)
def _in_app(app):
    return app


@pytest.fixture
def staff(client):
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/account").get_data(as_text=True))

    def post(path, **data):
        return client.post(path, data={"csrf_token": token, **data})

    return client, post


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_creating_a_survey_from_the_form(staff):
    client, post = staff
    form = text(client.get("/staff/surveys/new"))
    assert "Who can answer" in form and "Equality monitoring" in form
    response = post(
        "/staff/surveys/new",
        title="Travelling to your GP",
        introduction="Tell us how you get there.",
        mode="anonymous",
        **{"closes_at-day": "31", "closes_at-month": "12", "closes_at-year": "2030"},
        target_responses="250",
        consent_question="I agree",
        include_equality="1",
        offer_signup="1",
    )
    assert response.status_code == 302
    survey = db.session.scalar(db.select(Survey))
    assert response.headers["Location"].endswith(f"/staff/surveys/{survey.id}")
    assert (survey.mode, survey.target_responses, survey.include_equality) == ("anonymous", 250, True)
    assert survey.closes_at.isoformat() == "2030-12-31T23:59:00"
    page = text(client.get(response.headers["Location"]))
    assert "Travelling to your GP" in page and "0 of a target of 250" in page and "Draft" in page
    listing = text(client.get("/staff/surveys/"))
    assert "Travelling to your GP" in listing and "Anonymous" in listing and "0 of 250" in listing


def test_bad_settings_show_each_message_beside_its_field_and_save_nothing(staff):
    client, post = staff
    response = post(
        "/staff/surveys/new",
        title="",
        mode="open",
        **{"opens_at-day": "31", "opens_at-month": "2", "opens_at-year": "2030"},
        target_responses="lots",
    )
    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert '<a href="#title">Enter a title for the survey</a>' in page
    assert "The open date must be a real date" in page and 'id="opens_at-error"' in page
    assert "Enter a whole number, like 100" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Survey)) == 0


def test_adding_questions_shows_the_fields_each_kind_needs(staff):
    client, post = staff
    survey = create_draft()
    page_id = first_page(survey).id
    base = f"/staff/surveys/{survey.id}/pages/{page_id}/questions/new"
    chooser = text(client.get(base))
    assert "What type of question is it?" in chooser and "Grid (several statements on one scale)" in chooser
    assert "Choose a type of question" in text(client.get(base + "?choose=1"))

    single = text(client.get(base + "?kind=single"))
    assert 'name="options"' in single and 'name="rows"' not in single and 'name="min"' not in single
    matrix = text(client.get(base + "?kind=matrix"))
    assert 'name="rows"' in matrix and "Strongly agree" in matrix
    number = text(client.get(base + "?kind=number"))
    assert 'name="min"' in number and 'name="whole"' in number and 'name="options"' not in number
    yes_no = text(client.get(base + "?kind=yes_no"))
    assert 'name="options"' not in yes_no and "Respondents choose Yes or No" in yes_no
    assert 'name="max_choices"' in text(client.get(base + "?kind=multiple"))
    assert 'name="past_only"' in text(client.get(base + "?kind=date"))

    response = post(base, kind="single", text="How do you travel?", options="Bus\r\nCar\r\nWalk", required="1")
    assert response.status_code == 302
    question = db.session.scalar(db.select(Question))
    assert response.headers["Location"].endswith(f"#question-{question.id}")
    assert [o["code"] for o in question.options] == ["bus", "car", "walk"] and question.required
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    assert "1. How do you travel?" in page and "Options: Bus; Car; Walk" in page and "Required" in page


def test_a_bad_question_is_shown_again_with_its_messages_and_nothing_saved(staff):
    client, post = staff
    survey = create_draft()
    base = f"/staff/surveys/{survey.id}/pages/{first_page(survey).id}/questions/new"
    response = post(base, kind="single", text="", options="Bus")
    page = text(response)
    assert response.status_code == 400
    assert '<a href="#text">Enter the question</a>' in page
    assert '<a href="#options">Enter at least 2 options, one per line</a>' in page
    assert ">Bus</textarea>" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Question)) == 0


def test_changing_a_question_and_its_type(staff):
    client, post = staff
    survey = create_draft()
    question = add(first_page(survey), "short_text", "Anything else?")
    path = f"/staff/surveys/{survey.id}/questions/{question.id}/edit"
    assert "Change the type" in text(client.get(path))
    form = text(client.get(path + "?kind=single"))
    assert 'name="options"' in form and 'name="kind" value="single"' in form
    assert post(path, kind="single", text="Anything else?", options="Yes\nNo").status_code == 302
    assert question.kind == "single"

    answer(question, "yes")
    refused = client.get(path + "?kind=number")
    assert refused.status_code == 400 and "The type cannot change: this question already has answers" in text(refused)
    response = post(path, kind="single", text="Anything else?", options="No\nMaybe")
    assert response.status_code == 409
    assert "Yes has been chosen in answers, so it cannot be removed" in text(response)
    assert [o["label"] for o in question.options] == ["Yes", "No"]


def test_skip_logic_is_set_in_words(staff):
    client, post = staff
    survey = create_draft()
    page = first_page(survey)
    source = add(page, "single", "How do you travel?", options="Bus\nCar")
    follow = add(page, "short_text", "Which bus route?")
    path = f"/staff/surveys/{survey.id}/questions/{follow.id}/skip"
    first = text(client.get(path))
    assert "Now: always shown." in first and "Show this question if the answer to" in first
    second = text(client.get(f"{path}?question_id={source.id}"))
    assert "Show this question if “How do you travel?”" in second and "is one of the answers ticked below" in second
    assert 'value="bus"' in second

    missing = post(path, question_id=str(source.id), op="any_of")
    assert missing.status_code == 400 and "Choose the answer that shows this" in text(missing)
    assert follow.show_if == {}

    assert post(path, question_id=str(source.id), op="any_of", values="bus").status_code == 302
    assert follow.show_if == {"question_id": source.id, "op": "equals", "values": ["bus"]}
    assert "Shown only if</strong> “How do you travel?” is Bus." in text(client.get(f"/staff/surveys/{survey.id}"))

    assert post(path, always="1").status_code == 302
    assert follow.show_if == {}
    assert "Shown only if" not in text(client.get(f"/staff/surveys/{survey.id}"))


def test_a_page_is_shown_only_for_some_answers(staff):
    client, post = staff
    survey = create_draft()
    source = add(first_page(survey), "yes_no", "Do you drive?")
    assert post(f"/staff/surveys/{survey.id}/pages/new", title="Parking").status_code == 302
    second = builder.pages_of(survey)[1]
    assert "There are no questions on earlier pages" in text(
        client.get(f"/staff/surveys/{survey.id}/pages/{first_page(survey).id}/skip")
    )
    response = post(
        f"/staff/surveys/{survey.id}/pages/{second.id}/skip", question_id=str(source.id), op="any_of", values="yes"
    )
    assert response.status_code == 302
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    assert "Page 2: Parking" in page and "Shown only if</strong> “Do you drive?” is Yes." in page


def test_refused_actions_explain_themselves_on_the_survey_page(staff):
    client, post = staff
    survey = create_draft()
    page = first_page(survey)
    publish = post(f"/staff/surveys/{survey.id}/publish")
    assert publish.status_code == 409 and "Add at least one question before publishing." in text(publish)
    source = add(page, "yes_no", "Do you drive?")
    follow = add(page, "short_text", "Where do you park?")
    builder.set_question_condition(follow, {"question_id": source.id, "op": "equals", "values": ["yes"]})
    answer(follow, "Behind the surgery")

    response = post(f"/staff/surveys/{survey.id}/questions/{follow.id}/delete")
    assert response.status_code == 409
    assert f'<a href="#question-{follow.id}">This question has answers, so it cannot be deleted.' in text(response)
    confirm = text(client.get(f"/staff/surveys/{survey.id}/questions/{follow.id}/delete"))
    assert "This question cannot be deleted" in confirm and "Hide the question" in confirm

    moved = post(f"/staff/surveys/{survey.id}/questions/{source.id}/move", direction="down")
    assert moved.status_code == 409 and "must come after that question" in text(moved)
    hidden = post(f"/staff/surveys/{survey.id}/questions/{source.id}/hide", hidden="1")
    assert hidden.status_code == 409 and "Change that skip logic first" in text(hidden)

    assert post(f"/staff/surveys/{survey.id}/questions/{follow.id}/hide", hidden="1").status_code == 302
    assert follow.hidden and "Hidden" in text(client.get(f"/staff/surveys/{survey.id}"))
    assert db.session.get(Question, follow.id) is not None


def test_publish_close_reopen_and_the_public_link(staff):
    client, post = staff
    survey = create_draft()
    add(first_page(survey), "yes_no", "Do you drive?")
    assert post(f"/staff/surveys/{survey.id}/publish").status_code == 302
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    assert f"/surveys/{survey.slug}" in page and ">Close</button>" in page and "Open" in page
    post(f"/staff/surveys/{survey.id}/close")
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    assert survey.status == "closed" and f"/surveys/{survey.slug}" not in page and ">Reopen</button>" in page
    post(f"/staff/surveys/{survey.id}/reopen")
    assert survey.status == "open"
    actions = [
        e.detail for e in db.session.scalars(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "survey"))
    ]
    assert {"published", "closed", "reopened"} <= set(actions)


def test_duplicating_from_the_survey_page(staff):
    client, post = staff
    survey = create_draft("Waiting times")
    add(first_page(survey), "rating", "How was your wait?")
    response = post(f"/staff/surveys/{survey.id}/duplicate")
    copy = db.session.scalar(db.select(Survey).where(Survey.id != survey.id))
    assert response.headers["Location"].endswith(f"/staff/surveys/{copy.id}")
    assert "How was your wait?" in text(client.get(response.headers["Location"]))
    assert copy.title == "Copy of Waiting times"


def test_changing_settings_of_a_survey_with_responses(staff):
    client, post = staff
    survey = create_draft("Waiting times", mode="open")
    answer(add(first_page(survey), "yes_no", "Did you wait long?"), "yes")
    form = text(client.get(f"/staff/surveys/{survey.id}/settings"))
    assert 'value="Waiting times"' in form
    response = post(f"/staff/surveys/{survey.id}/settings", title="Waiting times 2026", mode="invitation")
    assert response.status_code == 400 and "cannot change once responses are in" in text(response)
    assert survey.title == "Waiting times"
    assert post(f"/staff/surveys/{survey.id}/settings", title="Waiting times 2026", mode="open").status_code == 302
    assert survey.title == "Waiting times 2026"


def test_the_survey_page_links_the_parts_each_role_may_use(app, client):
    survey = create_draft()
    login(client, create_staff_user("analyst"))
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    assert f'<a href="/staff/surveys/{survey.id}/results">Results</a>' in page
    assert "Enter a paper or telephone response" not in page and "Invitations" not in page
    assert "Change details" not in page and "Add a question" not in page


def test_moving_pages_and_questions_from_the_survey_page(staff):
    client, post = staff
    survey = create_draft()
    one = first_page(survey)
    a, b = add(one, "yes_no", "A"), add(one, "yes_no", "B")
    post(f"/staff/surveys/{survey.id}/pages/new", title="Second")
    post(f"/staff/surveys/{survey.id}/questions/{b.id}/move", direction="up")
    assert [q.text for q in builder.questions_of(survey)] == ["B", "A"]
    two = builder.pages_of(survey)[1]
    post(f"/staff/surveys/{survey.id}/pages/{two.id}/move", direction="up")
    assert [p.title for p in builder.pages_of(survey)] == ["Second", ""]
    assert post(f"/staff/surveys/{survey.id}/pages/{two.id}/delete").status_code == 302
    assert len(builder.pages_of(survey)) == 1
    assert services.get_survey(survey.id) is not None and a.id


def test_garbage_in_any_field_gets_a_message_not_an_error_page(staff):
    client, post = staff
    survey = create_draft()
    page = first_page(survey)
    question = add(page, "yes_no", "Do you drive?")
    follow = add(page, "short_text", "Where do you park?")
    base = f"/staff/surveys/{survey.id}"
    answers = {
        "skip with a made-up question": post(f"{base}/questions/{follow.id}/skip", question_id="abc", op="equals"),
        "skip with a made-up answer": post(
            f"{base}/questions/{follow.id}/skip", question_id=str(question.id), values="maybe"
        ),
        "skip with a made-up operator": post(
            f"{base}/questions/{follow.id}/skip", question_id=str(question.id), op="like"
        ),
        "move sideways": post(f"{base}/questions/{question.id}/move", direction="sideways"),
        "a bank question that does not exist": post(f"{base}/pages/{page.id}/bank", bank_question_id="99999999999"),
        "a year far ahead": post(
            f"{base}/settings",
            title="T",
            mode="open",
            **{"closes_at-day": "1", "closes_at-month": "1", "closes_at-year": "99999"},
        ),
        "a time that is not a time": post(
            f"{base}/settings",
            title="T",
            mode="open",
            **{"opens_at-day": "1", "opens_at-month": "1", "opens_at-year": "2030", "opens_at-time": "25:99"},
        ),
        "a number range of huge numbers": post(
            f"{base}/pages/{page.id}/questions/new", kind="number", text="N", min="1e400"
        ),
        "a made-up kind": post(f"{base}/pages/{page.id}/questions/new", kind="essay", text="N"),
    }
    for what, response in answers.items():
        assert response.status_code in (400, 409), (what, response.status_code)
        assert "There is a problem" in text(response), what
    assert follow.show_if == {} and question.position == 1
    assert [q.text for q in builder.questions_of(survey)] == ["Do you drive?", "Where do you park?"]
    assert survey.title == "Travelling to your GP"


def test_a_published_survey_says_when_it_opened_not_that_it_opens_when_published(staff):
    client, _ = staff
    survey = create_draft()
    add(first_page(survey), "short_text")
    assert "Opens when published" in text(client.get(f"/staff/surveys/{survey.id}"))
    services.publish(survey)
    page = text(client.get(f"/staff/surveys/{survey.id}"))
    assert "Opens when published" not in page and "Opened when published," in page
