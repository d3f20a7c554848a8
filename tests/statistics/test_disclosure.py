"""Disclosure control: the perturbation table's promises, and attacks that must fail.

Each attack works only from what the audit page, its CSV and the API show, as a careful
analyst without access to individuals would.
"""

import csv
import io
import random
from datetime import date, datetime
from fractions import Fraction

import pytest

from app.errors import InvalidRequest
from app.extensions import db
from app.representation import services
from app.statistics import disclosure
from app.statistics.disclosure import Cell
from tests.factories import create_member
from tests.representation.helpers import born_years_before, load_area
from tests.rosters.factories import add, create_roster

ON = date(2026, 6, 1)


# --- the table ----------------------------------------------------------------------------------


def test_the_perturbation_table_keeps_its_documented_promises():
    table = disclosure.ptable()
    assert all(len(noise) == disclosure.KEY_RANGE for noise in table.values())
    assert set(table[0]) == {0}  # zero stays zero
    for count, noise in table.items():
        assert sum(noise) == 0  # mean zero over the cell keys
        assert max(abs(n) for n in noise) <= 3  # bounded
        assert min(count + n for n in noise) >= 0  # never negative
        assert sorted(noise) == sorted(-n for n in noise)  # symmetric
    for count in range(1, 2000):
        assert all(count + disclosure._noise(count, key) >= 0 for key in range(disclosure.KEY_RANGE))


def test_the_same_people_always_give_the_same_figure_and_one_more_gives_unrelated_noise(app):
    rng = random.Random(7)
    keys = [rng.randrange(256) for _ in range(40)]
    cell = disclosure.total(Cell(1, k) for k in keys)
    shuffled = disclosure.total(Cell(1, k) for k in reversed(keys))
    assert disclosure.publish(cell) == disclosure.publish(shuffled)
    # Adding one person moves the cell key by their key: the noise of the two cells is unrelated.
    noises = {disclosure._perturbed(cell + Cell(1, k)) - 41 for k in range(256)}
    assert noises == {-3, -2, -1, 0, 1, 2, 3}


def test_small_counts_are_hidden_and_the_rest_rounded(app):
    for n in range(1, 5):
        for key in range(256):
            shown = disclosure.publish(Cell(n, key)).shown
            assert shown in ("*", 0)
    for n in range(20, 200, 7):
        for key in range(0, 256, 5):
            value = disclosure.publish(Cell(n, key)).value
            assert value % 5 == 0 and abs(value - n) <= 5
    assert disclosure.publish(Cell(3, 0), disclosure.rules(exact=True)).value == 3
    assert "3" not in repr(Cell(3, 9))


def test_windows_snap_to_whole_months_that_have_ended():
    today = date(2026, 12, 5)
    assert disclosure.snap_window(date(2026, 3, 14), date(2026, 3, 15), today) == (date(2026, 3, 1), date(2026, 3, 31))
    assert disclosure.snap_window(date(2026, 2, 10), None, today) == (date(2026, 2, 1), date(2026, 11, 30))
    assert disclosure.snap_window(date(2026, 2, 10), date(2026, 5, 1), today, quarters=True) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
    )
    with pytest.raises(ValueError, match="whole months that have ended"):
        disclosure.snap_window(date(2026, 12, 1), date(2026, 12, 4), today)


# --- attacks --------------------------------------------------------------------------------------

PROFILES = [
    {"ethnic_group": "white", "sex": "female", "religion": "christian", "disability": "no"},
    {"ethnic_group": "asian", "sex": "male", "religion": "muslim", "disability": "yes"},
    {"ethnic_group": "black", "sex": "female", "religion": "none", "disability": "no"},
    {"ethnic_group": "mixed", "sex": "male", "religion": "none", "disability": "yes"},
]


def _crowd(n=120, seed=3):
    rng = random.Random(seed)
    people = []
    for i in range(n):
        profile = dict(rng.choice(PROFILES))
        people.append(create_member(date_of_birth=born_years_before(ON, 20 + i % 60), equality=profile))
    return people


def _figures(results):
    return {
        (c["key"], row["category"]): row["count"] for c in results["characteristics"] for row in c.get("categories", [])
    }


def _census_label(field, code):
    from app.members import equality

    return equality.census_category(field, code)


def test_differencing_two_rosters_that_differ_by_one_person_does_not_give_their_answers(app):
    load_area()
    people = _crowd()
    recovered = 0
    tried = 0
    for extra_index in range(8):
        roster = create_roster(f"Group {extra_index}")
        for person in people[:100]:
            add(roster, person)
        before = _figures(services.run_audit("roster", {"roster_id": roster.id}, ON))
        newcomer = create_member(date_of_birth=born_years_before(ON, 44), equality=PROFILES[extra_index % 4])
        add(roster, newcomer)
        after = _figures(services.run_audit("roster", {"roster_id": roster.id}, ON))
        truth = {
            ("broad_ethnic_group", _census_label("ethnic_group", PROFILES[extra_index % 4]["ethnic_group"])),
            ("sex", _census_label("sex", PROFILES[extra_index % 4]["sex"])),
            ("religion", _census_label("religion", PROFILES[extra_index % 4]["religion"])),
        }
        for key, category in truth:
            tried += 1
            # The attacker's guess: the one category of the characteristic whose figure rose, alone.
            rises = [
                cat
                for (k, cat), value in after.items()
                if k == key and isinstance(value, int) and isinstance(before.get((k, cat)), int)
                if value > before[(k, cat)]
            ]
            if rises == [category]:
                recovered += 1
    # Without protection every answer would come back (8 people x 3 characteristics); with it, guesses
    # are no better than luck: most answers cannot be read off the difference.
    assert recovered <= tried // 2, (recovered, tried)


def test_a_one_day_window_shows_the_same_figures_as_its_whole_month_or_nothing(app):
    load_area()
    people = _crowd(80)
    for i, person in enumerate(people):
        person.created_at = datetime(2026, 3, 1 + i % 28, 12)
    db.session.commit()
    lone = create_member(equality=PROFILES[1])
    lone.created_at = datetime(2026, 3, 31, 23)
    db.session.commit()
    a = services.run_audit("signed_up", {"start": "2026-03-01", "end": "2026-03-30"}, ON)
    b = services.run_audit("signed_up", {"start": "2026-03-01", "end": "2026-03-31"}, ON)
    # Both windows are widened to the whole of March: one person's day cannot be told apart.
    assert a["characteristics"] == b["characteristics"]
    one_day = services.run_audit("signed_up", {"start": "2026-03-31", "end": "2026-03-31"}, ON)
    assert one_day["characteristics"] == b["characteristics"]
    # Under 500 people: widened to the whole quarter.
    assert one_day["population"]["params"]["start"] == "2026-01-01"
    assert one_day["population"]["params"]["period"] == "quarters"
    # A month with one person in it shows nothing at all, and does not say how many.
    lone_month = create_member(equality=PROFILES[2])
    lone_month.created_at = datetime(2026, 5, 9, 10)
    db.session.commit()
    with pytest.raises(InvalidRequest) as refused:
        services.run_audit("signed_up", {"start": "2026-05-09", "end": "2026-05-09"}, ON)
    assert "Fewer than 50" in refused.value.message and " 1 " not in refused.value.message


def test_the_api_gives_no_exact_fractions(app, client):
    from app.auth import services as auth

    load_area()
    _crowd(97)
    _, secret = auth.create_api_token("analyst client", "analyst")
    body = client.get(
        "/api/v1/representation/audit?population=active&on=2026-06-01", headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    for characteristic in body["characteristics"]:
        for row in characteristic.get("categories") or []:
            if row["share_value"] is not None:
                # A whole percentage: its fraction never has the group's size (97) as denominator.
                assert Fraction(str(row["share_value"])).denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100)
            if row["ratio_value"] is not None:
                assert round(row["ratio_value"], 1) == row["ratio_value"]
            assert row["count"] == "*" or row["count"] % 5 == 0


def _solve_hidden(csv_text):
    """The attack: for each row shown as *, which counts 1..7 agree with its printed share and the others'?"""
    rows = [r for r in csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))) if len(r) == 9 and r[0] != "characteristic"]
    answers = {}
    for characteristic in {r[0] for r in rows}:
        mine = [r for r in rows if r[0] == characteristic]
        hidden = [r for r in mine if r[2] == "*"]
        shown = [r for r in mine if r[2] not in ("*", "")]
        if len(hidden) != 1 or not shown:
            continue
        consistent = []
        for h in range(1, 8):
            total = h + sum(int(r[2]) for r in shown)
            if all(r[3] == f"{round(100 * int(r[2]) / total)}%" for r in shown if r[3] != "*"):
                consistent.append(h)
        answers[characteristic] = consistent
    return answers


def test_hidden_cells_cannot_be_solved_from_the_printed_figures(app, client):
    from tests.factories import create_staff_user, login

    load_area()
    for _ in range(70):
        create_member(date_of_birth=born_years_before(ON, 40), equality={"ethnic_group": "white", "sex": "female"})
    for _ in range(4):
        create_member(date_of_birth=born_years_before(ON, 40), equality={"ethnic_group": "asian", "sex": "male"})
    login(client, create_staff_user("analyst"))
    csv_text = client.get("/staff/representation/export.csv?on=2026-06-01").get_data(as_text=True)
    page = client.get("/staff/representation/?on=2026-06-01").get_data(as_text=True)
    for characteristic, candidates in _solve_hidden(csv_text).items():
        # Either nothing fits or several do: the printed figures never pin the hidden count down to one.
        assert len(candidates) != 1 or candidates != [4], (characteristic, candidates)
    assert "4 people" not in page and ">4<" not in page
