"""Building a survey through the services: settings, pages, every kind of question, and the rules that protect answers."""

from datetime import datetime, timedelta

import pytest

from app import clock
from app.audit.models import AuditLogEntry
from app.errors import InvalidRequest
from app.extensions import db
from app.surveys import builder, services
from app.surveys.models import Question, Survey, SurveyPage
from app.surveys.questions import check
from tests.surveys.builder_factories import add, answer, create_draft, first_page


@pytest.fixture(autouse=True)
def _in_app(app):
    return app


def refused(call, *args) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as info:
        call(*args)
    db.session.rollback()
    return info.value


def counts():
    return (
        db.session.scalar(db.select(db.func.count()).select_from(Survey)),
        db.session.scalar(db.select(db.func.count()).select_from(SurveyPage)),
        db.session.scalar(db.select(db.func.count()).select_from(Question)),
    )


# ----- settings ------------------------------------------------------------


def test_a_new_survey_is_a_draft_with_a_random_address_one_page_and_an_audit_entry():
    one, two = create_draft("First"), create_draft("Second")
    assert one.status == two.status == "draft"
    assert len(one.slug) >= 12 and one.slug != two.slug
    assert [p.position for p in builder.pages_of(one)] == [1]
    assert services.get_by_slug(one.slug).id == one.id and services.get_survey(one.id).title == "First"
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "survey"))
    assert entry.action == "create" and entry.record_id == str(one.id)


def test_bad_settings_get_a_message_per_field_and_write_nothing():
    data = services.SurveyInput(
        title=" ",
        mode="secret",
        opens_at=datetime(2026, 5, 1),
        closes_at=datetime(2026, 4, 1),
        target_responses=0,
        consent_question="x" * 501,
    )
    error = refused(services.create_survey, data)
    assert error.errors == {
        "title": "Enter a title for the survey",
        "mode": "Choose who can answer",
        "closes_at": "The close date must be after the open date",
        "target_responses": "Enter a whole number from 1 to 1,000,000, or leave it blank",
        "consent_question": "The consent question must be 500 characters or fewer",
    }
    assert counts() == (0, 0, 0)


def test_settings_change_but_who_can_answer_is_fixed_once_responses_are_in():
    survey = create_draft(mode="open")
    question = add(first_page(survey), "yes_no", "Do you drive?")
    data = services.settings_of(survey)
    data.title, data.include_equality, data.target_responses = "Driving to the surgery", True, 200
    services.update_settings(survey, data)
    assert (survey.title, survey.include_equality, survey.target_responses) == ("Driving to the surgery", True, 200)

    answer(question, "yes")
    data = services.settings_of(survey)
    data.mode, data.title = "anonymous", "Changed too"
    error = refused(services.update_settings, survey, data)
    assert "cannot change once responses are in" in error.errors["mode"]
    assert (survey.mode, survey.title) == ("open", "Driving to the surgery")


# ----- questions of every kind ---------------------------------------------


def test_every_kind_is_added_with_what_it_needs():
    page = first_page(create_draft())
    single = add(page, "single", "How do you travel?", options="Bus\nCar\n\nOn foot", required=True)
    multiple = add(page, "multiple", "What stops you?", options="Cost\nTime\nParking", max_choices="2")
    ranking = add(page, "ranking", "Rank these", options="Phone\nOnline\nIn person")
    likert = add(page, "likert", "It is easy to book")
    matrix = add(page, "matrix", "How much do you agree?", rows="Staff listen\nI am seen on time")
    number = add(page, "number", "How many visits?", min="0", max="50", whole=True)
    when = add(page, "date", "When did you last visit?", past_only=True, help_text="Roughly is fine")
    others = [add(page, kind) for kind in ("short_text", "long_text", "rating", "yes_no")]

    assert single.required and single.options == [
        {"code": "bus", "label": "Bus"},
        {"code": "car", "label": "Car"},
        {"code": "on_foot", "label": "On foot"},
    ]
    assert multiple.settings == {"max_choices": 2}
    assert [o["code"] for o in ranking.options] == ["phone", "online", "in_person"]
    assert likert.options[0] == {"code": "strongly_agree", "label": "Strongly agree"} and len(likert.options) == 5
    assert [r["label"] for r in matrix.rows] == ["Staff listen", "I am seen on time"] and len(matrix.options) == 5
    assert number.settings == {"min": 0, "max": 50, "whole": True}
    assert when.settings == {"past_only": True} and when.help_text == "Roughly is fine"
    assert [q.kind for q in others] == ["short_text", "long_text", "rating", "yes_no"]
    assert [q.position for q in builder.questions_of(page)] == list(range(1, 12))
    # The stored definitions are what the answer checks use.
    assert check(number, "12") == 12 and check(multiple, ["cost", "time"]) == ["cost", "time"]


def test_reordering_options_keeps_their_codes_and_a_new_scale_gets_codes_of_its_own():
    question = add(first_page(create_draft()), "single", "Pick", options="Bus\nCar\nWalk")
    builder.edit_question(question, {"kind": "single", "text": "Pick", "options": "Walk\nBus\nCar"})
    assert [o["code"] for o in question.options] == ["walk", "bus", "car"]
    scale = add(first_page(create_draft()), "likert", "The visit was", options="Very good\nGood\nPoor\nAgree")
    assert [o["code"] for o in scale.options] == ["very_good", "good", "poor", "agree"]


def test_option_codes_come_from_labels_and_are_unique():
    question = add(first_page(create_draft()), "single", "Pick", options="Yes!\nyes?\nMaybe – later\n???")
    assert [o["code"] for o in question.options] == ["yes", "yes_2", "maybe_later", "option"]


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"kind": "essay"}, "kind", "Choose a type of question"),
        ({"kind": "single", "text": "", "options": "A\nB"}, "text", "Enter the question"),
        ({"kind": "single", "options": "Only one"}, "options", "Enter at least 2 options, one per line"),
        (
            {"kind": "multiple", "options": "A\na"},
            "options",
            "Each of the options must be different: “a” is there more than once",
        ),
        (
            {"kind": "multiple", "options": "A\nB", "max_choices": "3"},
            "max_choices",
            "Enter a whole number from 1 to 2, or leave it blank",
        ),
        ({"kind": "matrix", "rows": ""}, "rows", "Enter at least 1 statements, one per line"),
        ({"kind": "number", "min": "10", "max": "5"}, "max", "The highest number must be more than the lowest number"),
        ({"kind": "number", "min": "ten"}, "min", "Enter the lowest number as a number, like 0 or 2.5"),
        (
            {"kind": "ranking", "options": "\n".join(str(n) for n in range(11))},
            "options",
            "Enter no more than 10 options",
        ),
        ({"kind": "short_text", "text": "x" * 501}, "text", "The question must be 500 characters or fewer"),
    ],
)
def test_a_bad_definition_gets_its_message_and_writes_nothing(fields, field, message):
    page = first_page(create_draft())
    before = counts()
    error = refused(builder.add_question, page, {"text": "A question", **fields})
    assert error.errors[field] == message
    assert counts() == before


# ----- editing what has answers --------------------------------------------


def test_rewording_an_option_keeps_its_code_and_its_answers():
    question = add(first_page(create_draft()), "single", "How do you travel?", options="Bus\nCar\nWalk")
    answer(question, "car")
    builder.edit_question(
        question, {"kind": "single", "text": "How do you usually travel?", "options": "Bus\nBy car\nWalk\nTaxi"}
    )
    assert question.options == [
        {"code": "bus", "label": "Bus"},
        {"code": "car", "label": "By car"},
        {"code": "walk", "label": "Walk"},
        {"code": "taxi", "label": "Taxi"},
    ]
    assert question.text == "How do you usually travel?"


def test_an_option_somebody_chose_cannot_be_removed_but_others_can():
    question = add(first_page(create_draft()), "multiple", "What stops you?", options="Cost\nTime\nParking")
    answer(question, ["time"])
    error = refused(
        builder.edit_question, question, {"kind": "multiple", "text": "What stops you?", "options": "Cost\nParking"}
    )
    assert error.errors["options"].startswith("Time has been chosen in answers, so it cannot be removed")
    assert [o["label"] for o in question.options] == ["Cost", "Time", "Parking"]
    builder.edit_question(question, {"kind": "multiple", "text": "What stops you?", "options": "Time\nParking"})
    assert [o["code"] for o in question.options] == ["time", "parking"]


def test_a_grid_row_with_answers_cannot_be_removed():
    question = add(first_page(create_draft()), "matrix", "Agree?", rows="Staff listen\nEasy to park")
    answer(question, {"staff_listen": "agree"})
    error = refused(builder.edit_question, question, {"kind": "matrix", "text": "Agree?", "rows": "Easy to park"})
    assert "Staff listen already has answers" in error.errors["rows"]


def test_the_type_cannot_change_once_answered():
    page = first_page(create_draft())
    question = add(page, "short_text", "Anything else?")
    builder.edit_question(question, {"kind": "long_text", "text": "Anything else?"})
    assert question.kind == "long_text"
    answer(question, "More buses")
    error = refused(builder.edit_question, question, {"kind": "yes_no", "text": "Anything else?"})
    assert error.errors["kind"] == "The type cannot change: this question already has answers"
    assert question.kind == "long_text"


# ----- deleting and hiding -------------------------------------------------


def test_a_question_with_answers_is_hidden_not_deleted():
    page = first_page(create_draft())
    first, second = add(page, "yes_no", "Do you drive?"), add(page, "short_text", "Why?")
    answer(first, "yes")
    error = refused(builder.delete_question, first)
    assert "cannot be deleted. Hide it instead" in error.message
    builder.set_hidden(first, True)
    assert first.hidden and db.session.get(Question, first.id) is not None
    assert builder.earlier_questions(second) == []
    builder.set_hidden(first, False)
    assert not first.hidden and builder.earlier_questions(second) == [first]
    builder.set_hidden(first, True)
    builder.delete_question(second)
    assert [q.id for q in builder.questions_of(db.session.get(Survey, page.survey_id))] == [first.id]


def test_a_question_others_depend_on_cannot_be_deleted_or_hidden():
    page = first_page(create_draft())
    source = add(page, "single", "How do you travel?", options="Bus\nCar")
    follow = add(page, "short_text", "Which route?")
    builder.set_question_condition(follow, {"question_id": source.id, "op": "equals", "values": ["bus"]})
    error = refused(builder.delete_question, source)
    assert error.message.startswith("“Which route?” is shown depending on this question's answer")
    error = refused(builder.set_hidden, source, True)
    assert "Change that skip logic first" in error.message
    assert db.session.get(Question, source.id) is not None and not source.hidden


def test_deleting_renumbers_the_rest():
    page = first_page(create_draft())
    questions = [add(page, "yes_no", f"Q{n}") for n in range(3)]
    builder.delete_question(questions[1])
    assert [(q.text, q.position) for q in builder.questions_of(db.session.get(Survey, page.survey_id))] == [
        ("Q0", 1),
        ("Q2", 2),
    ]


# ----- order and skip logic ------------------------------------------------


def _two_pages():
    survey = create_draft()
    one = first_page(survey)
    two = builder.add_page(survey, "More about you")
    return survey, one, two


def test_questions_move_within_and_across_pages():
    survey, one, two = _two_pages()
    a, b = add(one, "yes_no", "A"), add(one, "yes_no", "B")
    c = add(two, "yes_no", "C")
    builder.move_question(b, "up")
    assert [q.text for q in builder.questions_of(survey)] == ["B", "A", "C"]
    builder.move_question(a, "down")
    assert [(q.text, q.page_id, q.position) for q in builder.questions_of(survey)] == [
        ("B", one.id, 1),
        ("A", two.id, 1),
        ("C", two.id, 2),
    ]
    error = refused(builder.move_question, c, "down")
    assert error.message == "This question cannot move that way."


def test_a_question_cannot_move_before_the_one_it_depends_on_nor_after_those_that_depend_on_it():
    survey = create_draft()
    page = first_page(survey)
    source = add(page, "single", "How do you travel?", options="Bus\nCar")
    follow = add(page, "short_text", "Which route?")
    builder.set_question_condition(follow, {"question_id": source.id, "op": "equals", "values": ["bus"]})
    error = refused(builder.move_question, follow, "up")
    assert "must come after that question" in error.message
    error = refused(builder.move_question, source, "down")
    assert "must come after that question" in error.message
    assert [q.text for q in builder.questions_of(survey)] == ["How do you travel?", "Which route?"]


def test_skip_logic_looks_back_at_a_choice_and_its_own_options():
    survey, one, two = _two_pages()
    source = add(one, "single", "How do you travel?", options="Bus\nCar")
    text = add(one, "short_text", "Anything else?")
    later = add(two, "yes_no", "Would you use a minibus?")

    builder.set_question_condition(later, {"question_id": str(source.id), "op": "any_of", "values": ["bus", "car"]})
    assert later.show_if == {"question_id": source.id, "op": "any_of", "values": ["bus", "car"]}

    assert refused(
        builder.set_question_condition, source, {"question_id": later.id, "op": "equals", "values": ["yes"]}
    ).errors == {"question_id": "Choose a question that comes before this one"}
    assert (
        "Choose answers that the question offers"
        in refused(
            builder.set_question_condition, later, {"question_id": source.id, "op": "equals", "values": ["train"]}
        ).message
    )
    assert (
        "Only a choice question"
        in refused(
            builder.set_question_condition, later, {"question_id": text.id, "op": "equals", "values": ["x"]}
        ).message
    )
    builder.set_question_condition(later, {"question_id": text.id, "op": "answered"})
    assert later.show_if["op"] == "answered"
    builder.set_question_condition(later, {})
    assert later.show_if == {}


def test_page_skip_logic_depends_only_on_earlier_pages_and_pages_keep_their_order():
    survey, one, two = _two_pages()
    source = add(one, "yes_no", "Do you drive?")
    on_two = add(two, "yes_no", "Do you park at the surgery?")
    builder.set_page_condition(two, {"question_id": source.id, "op": "equals", "values": ["yes"]})
    assert two.show_if["question_id"] == source.id
    error = refused(builder.set_page_condition, two, {"question_id": on_two.id, "op": "equals", "values": ["yes"]})
    assert error.message == "Choose a question that comes before this one"
    error = refused(builder.move_page, two, "up")
    assert "must stay on an earlier page" in error.message
    error = refused(builder.move_question, source, "down")
    assert "must stay on an earlier page" in error.message
    assert [p.id for p in builder.pages_of(survey)] == [one.id, two.id]


def test_hidden_questions_cannot_drive_skip_logic():
    page = first_page(create_draft())
    source = add(page, "yes_no", "Do you drive?")
    follow = add(page, "short_text", "Where do you park?")
    builder.set_hidden(source, True)
    assert builder.earlier_questions(follow) == []
    error = refused(
        builder.set_question_condition, follow, {"question_id": source.id, "op": "equals", "values": ["yes"]}
    )
    assert error.message == "Choose a question that comes before this one"


def test_an_option_that_skip_logic_looks_for_cannot_be_removed():
    page = first_page(create_draft())
    source = add(page, "single", "How do you travel?", options="Bus\nCar")
    follow = add(page, "short_text", "Which route?")
    builder.set_question_condition(follow, {"question_id": source.id, "op": "equals", "values": ["bus"]})
    error = refused(builder.edit_question, source, {"kind": "single", "text": "How?", "options": "Car\nWalk"})
    assert "“Which route?” is shown depending on this question's answer" in error.errors["options"]
    assert [o["code"] for o in source.options] == ["bus", "car"]


# ----- pages ---------------------------------------------------------------


def test_pages_are_added_renamed_moved_and_deleted_when_nothing_is_lost():
    survey, one, two = _two_pages()
    builder.rename_page(one, "About your visit")
    builder.move_page(two, "up")
    assert [p.title for p in builder.pages_of(survey)] == ["More about you", "About your visit"]
    question = add(two, "yes_no", "Was it on time?")
    answer(question, "yes")
    error = refused(builder.delete_page, two)
    assert "questions with answers" in error.message
    builder.delete_page(one)
    assert [p.id for p in builder.pages_of(survey)] == [two.id] and two.position == 1
    error = refused(builder.delete_page, two)
    assert error.message == "A survey needs at least one page."
    assert "200 characters" in refused(builder.rename_page, two, "x" * 201).errors["title"]


# ----- lifecycle -----------------------------------------------------------


def test_publishing_needs_a_question_and_dates_that_make_sense(monkeypatch):
    survey = create_draft()
    assert refused(services.publish, survey).message == "Add at least one question before publishing."
    add(first_page(survey), "yes_no", "Do you drive?")
    survey.closes_at = clock.now() - timedelta(days=1)
    db.session.commit()
    assert "The close date has passed" in refused(services.publish, survey).message
    assert survey.status == "draft"
    survey.opens_at, survey.closes_at = clock.now() + timedelta(days=10), clock.now() + timedelta(days=5)
    db.session.commit()
    assert "The close date must be after the open date" in refused(services.publish, survey).message
    survey.opens_at, survey.closes_at = clock.now() + timedelta(days=1), clock.now() + timedelta(days=10)
    db.session.commit()
    services.publish(survey)
    assert survey.status == "open" and survey.published_at is not None
    assert not services.is_accepting(survey)
    assert services.is_accepting(survey, clock.now() + timedelta(days=2))
    assert not services.is_accepting(survey, clock.now() + timedelta(days=11))
    assert refused(services.publish, survey).message == "Only a draft can be published."


def test_close_and_reopen():
    survey = create_draft()
    add(first_page(survey), "yes_no", "Do you drive?")
    services.publish(survey)
    assert services.is_accepting(survey)
    services.close(survey)
    assert survey.status == "closed" and survey.closed_at is not None and not services.is_accepting(survey)
    assert refused(services.close, survey).message == "Only an open survey can be closed."
    services.reopen(survey)
    assert survey.status == "open" and services.is_accepting(survey)
    services.close(survey)
    survey.closes_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    assert "Set a later close date, then reopen" in refused(services.reopen, survey).message
    assert survey.status == "closed"


def test_duplicate_copies_pages_questions_and_skip_logic_but_no_responses():
    survey, one, two = _two_pages()
    source = add(one, "single", "How do you travel?", options="Bus\nCar")
    follow = add(two, "short_text", "Which route?")
    builder.set_question_condition(follow, {"question_id": source.id, "op": "equals", "values": ["bus"]})
    builder.set_page_condition(two, {"question_id": source.id, "op": "answered"})
    answer(source, "bus")
    services.publish(survey)

    copy = services.duplicate(survey)
    assert copy.status == "draft" and copy.slug != survey.slug and copy.title == "Copy of Travelling to your GP"
    copied = builder.questions_of(copy)
    assert [q.text for q in copied] == ["How do you travel?", "Which route?"]
    assert {q.id for q in copied}.isdisjoint({source.id, follow.id})
    assert copied[1].show_if == {"question_id": copied[0].id, "op": "equals", "values": ["bus"]}
    assert builder.pages_of(copy)[1].show_if["question_id"] == copied[0].id
    assert services.response_count(copy) == 0 and services.response_count(survey) == 1


def test_list_surveys_counts_completed_responses():
    quiet, busy = create_draft("Quiet"), create_draft("Busy")
    question = add(first_page(busy), "yes_no", "Do you drive?")
    answer(question, "yes")
    answer(question, "no")
    rows = {row.survey.title: row.responses for row in services.list_surveys()}
    assert rows == {"Quiet": 0, "Busy": 2}
    assert quiet.id
