"""Per-question results, tracking and free-text themes, with small numbers suppressed."""

from datetime import datetime

import pytest

from app.surveys import analysis, themes
from tests.factories import create_member, create_staff_user, login
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response, create_responses, invite

ROWS = [{"code": "wait", "label": "Waiting time"}, {"code": "staff", "label": "Staff"}]


@pytest.fixture
def config_overrides():
    # Exact counts in most tests: suppression is switched back on where it is being tested.
    return {"SUPPRESS_BELOW": 1, "ROUND_TO": 1}


def _survey():
    return create_survey(
        pages=[
            [
                {"kind": "single", "text": "Travel", "options": TRANSPORT},
                {"kind": "multiple", "text": "Services used", "options": TRANSPORT},
                {"kind": "rating", "text": "Score"},
                {"kind": "ranking", "text": "Order", "options": TRANSPORT},
                {"kind": "matrix", "text": "Grid", "rows": ROWS},
                {"kind": "number", "text": "Visits", "settings": {"whole": True}},
                {"kind": "date", "text": "Last visit"},
                {"kind": "long_text", "text": "Anything else?"},
                {"kind": "yes_no", "text": "Again?"},
            ]
        ]
    )


def _by_text(shown):
    return {q["text"]: q for q in shown["questions"]}


def test_choice_questions_are_counted_with_percentages(app):
    survey = _survey()
    travel, services, score, order, grid, visits, last, text, again = questions_of(survey)
    for mode, chosen, rating, rank, cell, number, day in [
        ("bus", ["bus", "car"], "10", ["car", "bus", "walk"], {"wait": "agree", "staff": "agree"}, 2, "2026-01-05"),
        ("bus", ["bus"], "8", ["car", "walk", "bus"], {"wait": "disagree", "staff": "agree"}, 4, "2026-01-20"),
        ("car", ["walk"], "6", ["bus", "car", "walk"], {"wait": "agree"}, 10, "2026-03-01"),
        ("walk", ["bus", "walk"], "0", ["car", "bus", "walk"], {"wait": "agree", "staff": "neither"}, 0, "2026-03-02"),
    ]:
        create_response(
            survey,
            {
                travel.id: mode,
                services.id: chosen,
                score.id: rating,
                order.id: rank,
                grid.id: cell,
                visits.id: number,
                last.id: day,
                text.id: "More buses please",
                again.id: "yes",
            },
        )
    create_response(survey, {travel.id: "car"}, completed=False)

    shown = _by_text(analysis.present_results(analysis.survey_results(survey)))

    single = {r["category"]: (r["count"], r["percent"]) for r in shown["Travel"]["table"]}
    assert single == {"Bus": (2, 50), "Car": (1, 25), "Walk": (1, 25), "Total": (4, 100)}
    multiple = {r["category"]: (r["count"], r["percent"]) for r in shown["Services used"]["table"]}
    assert multiple["Bus"] == (3, 75) and multiple["Walk"] == (2, 50) and multiple["Car"] == (1, 25)
    assert multiple["People who answered"] == (4, 100)
    assert shown["Score"]["mean"] == 6.0 and shown["Score"]["median"] == 7.0
    ranks = shown["Order"]["ranks"]
    assert ranks[0]["label"] == "Car" and ranks[0]["mean_rank"] == 1.25 and ranks[0]["first"] == 3
    wait = {r["category"]: r["count"] for r in shown["Grid"]["rows"][0]["table"]}
    assert wait["Agree"] == 3 and wait["Disagree"] == 1
    staff = {r["category"]: r["count"] for r in shown["Grid"]["rows"][1]["table"]}
    assert staff["Total"] == 3
    number = shown["Visits"]
    assert (number["n"], number["mean"], number["median"], number["min"], number["max"]) == (4, 4.0, 3.0, 0, 10)
    assert sum(r["count"] for r in number["table"][:-1]) == 4
    months = {r["category"]: r["count"] for r in shown["Last visit"]["table"]}
    assert months == {"January 2026": 2, "March 2026": 2, "Total": 4}
    assert shown["Anything else?"]["n"] == 4
    assert shown["Again?"]["table"][0] == {"category": "Yes", "count": 4, "percent": 100, "bar": 1.0}


@pytest.mark.parametrize("config_overrides", [{"SUPPRESS_BELOW": 8, "ROUND_TO": 5}])
def test_small_counts_are_hidden_and_others_rounded(app):
    survey = create_survey()
    travel = questions_of(survey)[0]
    create_responses(survey, 12, answers={travel.id: "bus"})
    create_responses(survey, 3, answers={travel.id: "car"})

    shown = analysis.present_results(analysis.survey_results(survey))
    table = {r["category"]: r for r in shown["questions"][0]["table"]}

    assert table["Bus"]["count"] == 10
    assert table["Car"]["count"] == "*"
    # One hidden count hides every share and the total, or subtraction would give it back.
    assert table["Bus"]["percent"] == "*" and table["Total"]["count"] == "*"
    assert table["Walk"]["count"] == 0
    assert shown["responses"] == 15


@pytest.mark.parametrize("config_overrides", [{"SUPPRESS_BELOW": 8, "ROUND_TO": 5}])
def test_number_extremes_are_hidden_when_few_answered(app):
    survey = create_survey(pages=[[{"kind": "number", "text": "Age of car"}]])
    question = questions_of(survey)[0]
    for value in (3, 19):
        create_response(survey, {question.id: value})
    shown = analysis.present_results(analysis.survey_results(survey))["questions"][0]
    assert shown["min"] == "*" and shown["max"] == "*" and shown["mean"] == "*"


def test_tracking_counts_invited_started_completed_and_days_against_target(app):
    survey = create_survey(mode="invitation", target_responses=10)
    travel = questions_of(survey)[0]
    people = [create_member() for _ in range(4)]
    for person in people:
        invite(survey, person)
    create_response(survey, {travel.id: "bus"}, member=people[0], completed_at=datetime(2026, 2, 1, 9))
    create_response(survey, {travel.id: "car"}, member=people[1], completed_at=datetime(2026, 2, 3, 9))
    create_response(survey, {}, member=people[2], completed=False)

    shown = analysis.present_tracking(analysis.tracking(survey))

    assert (shown["invited"], shown["started"], shown["completed"]) == (4, 3, 2)
    assert shown["completion_rate"] == 67 and shown["response_rate"] == 50 and shown["target_percent"] == 20
    assert [(d["day"], d["new"], d["total"]) for d in shown["days"]] == [
        ("2026-02-01", 1, 1),
        ("2026-02-02", 0, 1),
        ("2026-02-03", 1, 2),
    ]


class TestRoundedTracking:
    @pytest.fixture
    def config_overrides(self):
        return {"SUPPRESS_BELOW": 8, "ROUND_TO": 5}

    def test_rates_are_worked_out_from_the_counts_shown(self, client):
        survey = create_survey()
        for number in range(10):
            create_response(survey, {}, completed=number < 9)
        shown = analysis.present_tracking(analysis.tracking(survey))
        # 10 started and 9 completed show as 10 and 10: the rate shown agrees with them.
        assert (shown["started"], shown["completed"], shown["completion_rate"]) == (10, 10, 100)
        login(client, create_staff_user("analyst"))
        page = client.get(f"/staff/surveys/{survey.id}/results").get_data(as_text=True)
        assert "Counts are rounded to the nearest 5" in page and "90%" not in page


def test_free_text_search_paging_and_themes(app):
    survey = create_survey()
    travel, text = questions_of(survey)
    for n in range(30):
        create_response(survey, {travel.id: "bus", text.id: f"Parking is hard {n}" if n % 2 else f"Buses late {n}"})
    create_response(survey, {text.id: "Parking unfinished"}, completed=False)

    page = themes.text_answers(text, "parking")
    assert page.total == 15 and page.pages == 1
    assert themes.text_answers(text, "", page=2).items[0]["text"] == "Parking is hard 25"

    parking = themes.create_theme(survey, text.id, "Parking")
    for item in page.items[:3]:
        themes.set_tag(survey, parking.id, item["answer_id"], True)
    themes.set_tag(survey, parking.id, page.items[0]["answer_id"], True)
    assert themes.themes(text.id)[0]["count"] == 3
    assert themes.text_answers(text, "", theme_id=parking.id).total == 3

    themes.set_tag(survey, parking.id, page.items[0]["answer_id"], False)
    themes.rename_theme(survey, parking.id, "Car parking")
    assert themes.themes(text.id) == [{"id": parking.id, "name": "Car parking", "count": 2, "shown": 2}]

    with pytest.raises(Exception) as caught:
        themes.create_theme(survey, text.id, "car PARKING")
    assert caught.value.errors == {"name": "Choose a different name"}

    themes.delete_theme(survey, parking.id)
    assert themes.themes(text.id) == []
    assert themes.text_answers(text).total == 30
