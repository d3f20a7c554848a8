"""Every question type accepts what a respondent can give and refuses the rest with a message to act on."""

from types import SimpleNamespace

import pytest
from werkzeug.datastructures import MultiDict

from app.surveys.questions import AnswerError, check, check_condition, condition_met, form_value, visible_questions

CHOICES = [{"code": "bus", "label": "Bus"}, {"code": "car", "label": "Car"}, {"code": "walk", "label": "Walk"}]


def q(kind, required=False, options=None, rows=None, settings=None, id=1, show_if=None, hidden=False):
    return SimpleNamespace(
        id=id,
        kind=kind,
        required=required,
        options=options or [],
        rows=rows or [],
        settings=settings or {},
        show_if=show_if or {},
        hidden=hidden,
    )


def refused(question, raw):
    with pytest.raises(AnswerError) as info:
        check(question, raw)
    return str(info.value)


def test_single_choice_takes_an_offered_option_only():
    question = q("single", options=CHOICES)
    assert check(question, "car") == "car"
    assert check(question, "") is None
    assert refused(question, "plane") == "Select one of the options shown"
    assert refused(q("single", required=True, options=CHOICES), "") == "Select an answer"


def test_multiple_choice_keeps_offered_options_in_their_order():
    question = q("multiple", options=CHOICES, settings={"max_choices": 2})
    assert check(question, ["walk", "bus", "walk"]) == ["bus", "walk"]
    assert refused(question, ["bus", "car", "walk"]) == "Select no more than 2 answers"
    assert refused(question, ["bus", "boat"]) == "Select only options that are shown"
    assert refused(q("multiple", required=True, options=CHOICES), []) == "Select at least one answer"


def test_free_text_is_trimmed_and_limited():
    assert check(q("short_text"), "  a lift  ") == "a lift"
    assert refused(q("short_text"), "x" * 501) == "Answer must be 500 characters or fewer"
    assert check(q("long_text"), "line one\r\nline two") == "line one\nline two"
    assert refused(q("long_text", required=True), "   ") == "Enter an answer"


def test_likert_yes_no_and_rating_use_their_fixed_scales():
    assert check(q("likert"), "strongly_agree") == "strongly_agree"
    assert refused(q("likert"), "meh") == "Select one of the options shown"
    assert check(q("yes_no"), "no") == "no"
    assert refused(q("yes_no"), "maybe") == "Select one of the options shown"
    assert check(q("rating"), "0") == "0" and check(q("rating"), "10") == "10"
    assert refused(q("rating"), "11") == "Select one of the options shown"


def test_number_respects_the_range_set_by_staff():
    question = q("number", settings={"min": 0, "max": 120, "whole": True})
    assert check(question, "42") == 42
    assert check(question, "100") == 100
    assert check(q("number"), "1,000") == 1000 and check(q("number"), "12,345.5") == 12345.5
    # A decimal comma, or anything else float() reads but a person does not type, is not guessed at.
    for typed in ("2,5", "1e3", "1_0", "inf", "0x10"):
        assert refused(question, typed) == "Enter a number, like 3 or 12.5", typed
    assert refused(question, "abc") == "Enter a number, like 3 or 12.5"
    assert refused(question, "121") == "Enter a number of 120 or less"
    assert refused(question, "-1") == "Enter a number of 0 or more"
    assert refused(question, "2.5") == "Enter a whole number"
    assert refused(question, "nan") == "Enter a number, like 3 or 12.5"
    assert check(q("number"), 2.5) == 2.5


def test_date_comes_from_day_month_year_and_must_be_real():
    question = q("date")
    assert check(question, {"day": "3", "month": "4", "year": "2026"}) == "2026-04-03"
    assert check(question, "2026-04-03") == "2026-04-03"
    assert refused(question, {"day": "31", "month": "2", "year": "2026"}) == "Date must be a real date"
    assert refused(question, {"day": "", "month": "2", "year": ""}) == "Date must include a day and year"
    assert refused(question, {"day": "1", "month": "2", "year": "9" * 20}) == "Date must be a real date"
    assert refused(q("date", settings={"past_only": True}), "2999-01-01") == "Date must be today or in the past"


def test_ranking_needs_each_position_once():
    question = q("ranking", options=CHOICES)
    assert check(question, {"bus": "2", "car": "3", "walk": "1"}) == ["walk", "bus", "car"]
    assert check(question, ["car", "walk", "bus"]) == ["car", "walk", "bus"]
    assert (
        refused(question, {"bus": "1", "car": "1", "walk": "2"}) == "Give every option a different number from 1 to 3"
    )
    assert refused(question, {"bus": "1", "plane": "2"}) == "Rank only the options shown"
    assert check(question, {"bus": "", "car": "", "walk": ""}) is None


def test_matrix_takes_one_scale_answer_per_row():
    rows = [{"code": "speed", "label": "Speed"}, {"code": "kind", "label": "Kindness"}]
    question = q("matrix", rows=rows, required=True)
    assert check(question, {"speed": "agree", "kind": "disagree"}) == {"speed": "agree", "kind": "disagree"}
    assert refused(question, {"speed": "agree", "kind": ""}) == "Select an answer for every row"
    assert refused(question, {"speed": "brilliant"}) == "Select one of the options shown in each row"
    assert refused(question, {"colour": "agree"}) == "Answer only the rows shown"
    assert refused(question, {}) == "Select an answer for every row"


def test_form_fields_are_read_by_question_type():
    form = MultiDict([("q1", "bus"), ("q1", "walk"), ("q2-day", "1"), ("q2-month", "2"), ("q2-year", "2000")])
    assert form_value(q("multiple", options=CHOICES, id=1), form) == ["bus", "walk"]
    assert form_value(q("date", id=2), form) == {"day": "1", "month": "2", "year": "2000"}


def test_skip_logic_shows_a_question_only_when_its_condition_holds():
    first = q("single", options=CHOICES, id=1)
    follow_up = q("long_text", id=2, show_if={"question_id": 1, "op": "equals", "values": ["car"]})
    after = q("short_text", id=3, show_if={"question_id": 2, "op": "answered"})
    retired = q("short_text", id=4, hidden=True)
    survey = SimpleNamespace(pages=[SimpleNamespace(show_if={}, questions=[first, follow_up, after, retired])])
    assert [x.id for x in visible_questions(survey, {1: "bus"})] == [1]
    assert [x.id for x in visible_questions(survey, {1: "car"})] == [1, 2]
    assert [x.id for x in visible_questions(survey, {1: "car", 2: "parking"})] == [1, 2, 3]
    assert condition_met({"question_id": 1, "op": "any_of", "values": ["bus", "walk"]}, {1: ["walk"]})
    assert condition_met({"question_id": 1, "op": "not_equals", "values": ["bus"]}, {1: "car"})
    assert not condition_met({"question_id": 1, "op": "not_equals", "values": ["bus"]}, {})


def test_a_condition_may_only_use_an_earlier_question_and_its_options():
    first = q("single", options=CHOICES, id=1)
    text = q("short_text", id=2)
    assert check_condition({"question_id": "1", "op": "equals", "values": ["car"]}, [first]) == {
        "question_id": 1,
        "op": "equals",
        "values": ["car"],
    }
    for condition, message in [
        ({"question_id": 1, "op": "equals", "values": ["plane"]}, "Choose answers that the question offers"),
        ({"question_id": 9, "op": "equals", "values": ["car"]}, "Choose a question that comes before this one"),
        ({"question_id": 2, "op": "equals", "values": ["x"]}, "Only a choice question"),
        ({"question_id": 1, "op": "sounds_like", "values": ["car"]}, "Choose how the answer is compared"),
    ]:
        with pytest.raises(AnswerError) as info:
            check_condition(condition, [first, text])
        assert str(info.value).startswith(message)
    assert check_condition({"question_id": 2, "op": "answered"}, [first, text])["op"] == "answered"
