"""Cross-tabulation: who answered what, by group, published through disclosure control.

Placement tests read exact figures (the rules staff who may see individuals use); every
other test reads what an analyst gets from the page, its CSV and XLSX and the API, and
attacks it the way someone without access to individuals could.
"""

import csv
import io
import random
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.auth import services as auth
from app.extensions import db
from app.statistics import disclosure
from app.statistics.disclosure import Cell
from app.statistics.suppression import suppress
from app.surveys import crosstab
from tests.factories import create_member, create_pcn, create_practice, create_staff_user, login
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response

ROWS = [{"code": "wait", "label": "Waiting time"}, {"code": "staff", "label": "Staff"}]
OPTIONS = ("Bus", "Car", "Walk")


@pytest.fixture
def config_overrides():
    return {"SUPPRESS_BELOW": 8, "ROUND_TO": 5, "DISCLOSURE_FLOOR": 50}


def _exact(survey, key, by):
    shown = crosstab.present(crosstab.crosstab(survey, key, by), disclosure.rules(exact=True))
    return {c["group"]: c for c in shown["columns"]}


def _keys(seed):
    rng = random.Random(seed)
    return lambda: rng.randrange(disclosure.KEY_RANGE)


def _respond(survey, question, answers: dict, equality: dict, key) -> list:
    """Responses giving each answer the number of times asked; returns their record keys by answer."""
    keys = {}
    for code, times in answers.items():
        for _ in range(times):
            response = create_response(survey, {question.id: code}, equality=equality, record_key=key())
            keys.setdefault(code, []).append(response.record_key)
    return keys


def _cell(keys: list[int]) -> Cell:
    return Cell(len(keys), sum(keys))


# --- who falls in which group -------------------------------------------------------------------


def test_respondents_are_placed_by_their_survey_answers_then_the_members_own(app):
    survey = create_survey(mode="invitation")
    travel = questions_of(survey)[0]
    woman = create_member(equality={"sex": "female"}, date_of_birth=date(1990, 1, 1))
    create_response(survey, {travel.id: "bus"}, member=woman)
    create_response(survey, {travel.id: "car"}, equality={"sex": "male", "age_band": "65_74"})
    create_response(survey, {travel.id: "car"}, equality={"sex": "male"})
    create_response(survey, {travel.id: "walk"})
    create_response(survey, {}, equality={"sex": "male"})  # did not answer the question: in no group

    columns = _exact(survey, str(travel.id), "sex")

    assert columns["Female"]["counts"] == {"Bus": 1, "Car": 0, "Walk": 0}
    assert columns["Male"]["counts"]["Car"] == 2 and columns["Male"]["percents"]["Car"] == 100
    assert columns["Male"]["n"] == 2
    assert columns["Not known or preferred not to say"]["counts"]["Walk"] == 1

    by_age = {group: c["n"] for group, c in _exact(survey, str(travel.id), "age_band").items()}
    assert by_age["65 to 74"] == 1
    # The member's age comes from their date of birth when the survey did not ask.
    assert by_age["35 to 44"] + by_age["25 to 34"] == 1
    assert by_age["Not known or preferred not to say"] == 2


def test_identified_responses_are_placed_in_the_pcn_of_the_members_practice(app):
    survey = create_survey(mode="invitation")
    travel = questions_of(survey)[0]
    north = create_practice("M10001", "North Surgery", pcn=create_pcn("U10001", "North PCN"))
    create_response(survey, {travel.id: "bus"}, member=create_member(practice_id=north.id))
    create_response(survey, {travel.id: "car"})

    columns = _exact(survey, str(travel.id), "pcn")

    assert columns["North PCN"]["counts"]["Bus"] == 1
    assert columns["Not known or preferred not to say"]["counts"]["Car"] == 1


def test_invited_members_are_placed_in_the_deprivation_decile_of_their_postcode(app):
    from app.representation import deprivation
    from tests.representation.helpers import load_area

    load_area()
    deprivation.load_postcode_lookup(io.BytesIO(b"pcds,lsoa21cd\nWV1 1AA,E01010413\n"), ["E08000031"])
    survey = create_survey(mode="invitation")
    travel = questions_of(survey)[0]
    create_response(survey, {travel.id: "bus"}, member=create_member(postcode="WV1 1AA"))
    create_response(survey, {travel.id: "car"}, member=create_member(postcode="WV9 9ZZ"))

    columns = _exact(survey, str(travel.id), "imd_decile")

    assert columns["Decile 1 (most deprived)"]["counts"]["Bus"] == 1
    assert columns["Not known or preferred not to say"]["counts"]["Car"] == 1


def test_a_grid_row_and_choices_that_do_not_exist(app):
    survey = create_survey(pages=[[{"kind": "matrix", "text": "Grid", "rows": ROWS}, {"kind": "long_text"}]])
    grid = questions_of(survey)[0]
    create_response(survey, {grid.id: {"wait": "agree", "staff": "disagree"}}, equality={"sex": "female"})
    keys = [key for key, _ in crosstab.question_choices(survey)]
    assert keys == [f"{grid.id}:wait", f"{grid.id}:staff"]

    assert _exact(survey, f"{grid.id}:staff", "sex")["Female"]["counts"]["Disagree"] == 1

    for key, by in [(str(grid.id), "sex"), ("nonsense", "sex"), (f"{grid.id}:wait", "shoe_size")]:
        with pytest.raises(Exception) as caught:
            crosstab.crosstab(survey, key, by)
        assert caught.value.status == 400


# --- what an analyst sees -------------------------------------------------------------------------


def _published_survey():
    """60 women (40 by bus, 5 by car, 15 on foot) and 20 men by bus: their record keys fixed."""
    survey = create_survey()
    travel = questions_of(survey)[0]
    key = _keys(11)
    women = _respond(survey, travel, {"bus": 40, "car": 5, "walk": 15}, {"sex": "female"}, key)
    _respond(survey, travel, {"bus": 20}, {"sex": "male"}, key)
    n = disclosure.publish(_cell([k for keys in women.values() for k in keys]))
    counts = {
        label: disclosure.publish(_cell(women[code]))
        for label, code in zip(OPTIONS, ("bus", "car", "walk"), strict=True)
    }
    expected = {
        "n": n.shown,
        "counts": {label: figure.shown for label, figure in counts.items()},
        "percents": {label: disclosure.percent(figure, n) for label, figure in counts.items()},
    }
    return survey, travel, expected


def test_counts_are_published_by_disclosure_control_and_shares_worked_out_from_them(app):
    survey, travel, expected = _published_survey()

    shown = crosstab.present(crosstab.crosstab(survey, str(travel.id), "sex"))
    women = next(c for c in shown["columns"] if c["group"] == "Female")

    assert {k: women[k] for k in ("n", "counts", "percents")} == expected
    assert women["counts"]["Car"] == "*" and women["percents"]["Car"] is None  # 5 people: hidden, and no share
    assert all(v % 5 == 0 for v in (women["n"], women["counts"]["Bus"], women["counts"]["Walk"]))
    assert women["percents"]["Bus"] == round(100 * women["counts"]["Bus"] / women["n"])


def test_a_group_under_the_floor_shows_no_numbers_anywhere(app, client):
    survey, travel, _ = _published_survey()
    men = next(
        c for c in crosstab.present(crosstab.crosstab(survey, str(travel.id), "sex"))["columns"] if c["group"] == "Male"
    )
    assert not men["shown"] and men["n"] == ""
    assert set(men["counts"].values()) == {""} and set(men["percents"].values()) == {None}
    assert men["message"].startswith("Fewer than 50 people in this group answered")
    assert not re.search(r"\d", men["message"].replace("50", ""))

    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/surveys/{survey.id}/crosstab?question={travel.id}&by=sex").get_data(as_text=True)
    header = page.split('<thead class="nhsuk-table__head">')[1].split("</thead>")[0]
    assert "Female" in header and "Male" not in header
    assert "Groups not shown: Male" in page and "Fewer than 50 people in each of these groups" in page
    rows = _csv(client.get(f"/staff/surveys/{survey.id}/crosstab.csv?question={travel.id}&by=sex"))
    assert [r for r in rows if r and r[0] == "Male"] == [["Male", "", "", "", men["message"]]]


def _csv(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_page_its_downloads_and_the_api_show_the_same_protected_figures(app, client):
    survey, travel, expected = _published_survey()
    login(client, create_staff_user("analyst"))
    query = f"question={travel.id}&by=sex"

    page = client.get(f"/staff/surveys/{survey.id}/crosstab?{query}").get_data(as_text=True)
    table = page.split('id="crosstab"')[1].split("</table>")[0]
    cells = re.findall(r'nhsuk-table__cell--numeric">([^<]*)</td>', table)
    want = [
        f"{expected['counts'][o]}" + ("" if expected["percents"][o] is None else f" ({expected['percents'][o]}%)")
        for o in OPTIONS
    ] + [str(expected["n"])]
    assert cells == want

    rows = _csv(client.get(f"/staff/surveys/{survey.id}/crosstab.csv?{query}"))
    women = [r for r in rows if r and r[0] == "Female"]
    assert women == [
        [
            "Female",
            o,
            str(expected["counts"][o]),
            "" if expected["percents"][o] is None else f"{expected['percents'][o]}%",
            "",
        ]
        for o in OPTIONS
    ] + [["Female", crosstab.EVERYONE, str(expected["n"]), "", ""]]
    assert "consistent noise" in rows[-1][0]

    book = load_workbook(io.BytesIO(client.get(f"/staff/surveys/{survey.id}/crosstab.xlsx?{query}").data))
    sheet_rows = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    assert [r[:5] for r in sheet_rows if r and r[0] == "Female"] == women

    _, secret = auth.create_api_token("analyst client", "analyst")
    body = client.get(f"/api/v1/surveys/{survey.id}/crosstab?{query}", headers={"Authorization": f"Bearer {secret}"})
    assert body.status_code == 200, body.get_json()
    columns = {c["group"]: c for c in body.get_json()["columns"]}
    assert {k: columns["Female"][k] for k in ("n", "counts", "percents")} == expected
    assert columns["Male"]["shown"] is False and columns["Male"]["n"] == ""
    assert body.get_json()["protected"] is True

    bad = client.get(f"/api/v1/surveys/{survey.id}/crosstab?by=shoes", headers={"Authorization": f"Bearer {secret}"})
    assert bad.status_code == 400 and bad.get_json()["errors"] == {"by": "Choose a characteristic to compare by"}


# --- attacks that must fail -------------------------------------------------------------------------


def _women(survey, travel) -> dict:
    shown = crosstab.present(crosstab.crosstab(survey, str(travel.id), "sex"))
    return next(c for c in shown["columns"] if c["group"] == "Female")


def test_two_tables_a_respondent_apart_do_not_give_their_answer(app):
    # Each answer count sits just under a rounding edge: with rounding alone, one more person flips
    # exactly their answer's figure (20 -> 25, * -> 10, 30 -> 35), so every newcomer would be read off.
    survey = create_survey()
    travel = questions_of(survey)[0]
    key = _keys(5)
    base = {"bus": 22, "car": 7, "walk": 32}
    _respond(survey, travel, base, {"sex": "female"}, key)
    for code, n in base.items():
        assert suppress(n) != suppress(n + 1), code

    trials, recovered = 24, 0
    before = _women(survey, travel)
    for trial in range(trials):
        answer = ("bus", "car", "walk")[trial % 3]
        newcomer = create_response(survey, {travel.id: answer}, equality={"sex": "female"}, record_key=key())
        after = _women(survey, travel)
        changed = [o for o in OPTIONS if after["counts"][o] != before["counts"][o]]
        if changed == [answer.title()]:
            recovered += 1
        # The difference of the two tables is not the newcomer's answer: never one person's +1.
        assert all(
            after["counts"][o] == before["counts"][o] or abs(after["counts"][o] - before["counts"][o]) >= 5
            for o in OPTIONS
            if "*" not in (after["counts"][o], before["counts"][o])
        )
        newcomer.completed_at = None  # only complete responses are counted: back to the people before
        db.session.commit()
        assert _women(survey, travel) == before  # the same people always give the same table
    # Rounding alone would give all 24 away; with cell key noise most cannot be read off.
    assert recovered <= trials * 3 // 4, recovered


def _could_be(before, after) -> set[int]:
    """Hidden counts 0..7 an attacker who knows the method (not the record keys) finds consistent with a change."""
    keys = range(disclosure.KEY_RANGE)
    return {
        h
        for h in range(8)
        if any(disclosure.publish(Cell(h, k)).shown == before for k in keys)
        and any(disclosure.publish(Cell(h + 1, k)).shown == after for k in keys)
    }


def test_hidden_counts_cannot_be_recovered_from_a_table_and_the_next_one(app):
    key = _keys(23)
    for hidden in range(1, 8):
        survey = create_survey()
        travel = questions_of(survey)[0]
        _respond(survey, travel, {"bus": 50, "car": hidden}, {"sex": "female"}, key)

        before = _women(survey, travel)["counts"]["Car"]
        create_response(survey, {travel.id: "car"}, equality={"sex": "female"}, record_key=key())
        after = _women(survey, travel)["counts"]["Car"]
        candidates = _could_be(before, after)
        # Without noise, "*" then 10 could only mean 7; here the pair fits several hidden counts.
        assert hidden in candidates and len(candidates) >= 2, (hidden, before, after, candidates)
