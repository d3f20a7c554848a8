"""The PPG profile: a practice's PPG against its registered list, in the PPG reporting template's layout."""

from datetime import date

from app.extensions import db
from app.organisations.models import ListSize
from app.representation import ppg
from tests.factories import create_member, create_pcn, create_practice, create_staff_user, login
from tests.representation.helpers import born_years_before, load_area
from tests.rosters.factories import add, create_roster

ON = date(2026, 6, 1)


def _practice_with_list():
    practice = create_practice("M92001", pcn=create_pcn())
    for sex, band, patients in [
        ("female", "40_44", 600),
        ("male", "40_44", 400),
        ("female", "15_19", 500),
        ("male", "85_89", 500),
    ]:
        db.session.add(ListSize(practice_id=practice.id, sex=sex, age_band=band, patients=patients))
    db.session.commit()
    return practice


def _ppg(practice, women=20, men=3):
    roster = create_roster("Surgery PPG", kind="ppg", practice_id=practice.id)
    for n in range(women + men):
        sex = "female" if n < women else "male"
        member = create_member(
            date_of_birth=born_years_before(ON, 42),
            equality={"sex": sex, "ethnic_group": "white"},
            practice_id=practice.id,
        )
        add(roster, member)
    return roster


def _table(view, label):
    table = next(t for t in view["tables"] if t["label"] == label)
    return {row["category"]: row for row in table["rows"]}


def test_ppg_against_the_registered_list_with_small_numbers_hidden(app):
    practice = _practice_with_list()
    _ppg(practice)
    view = ppg.ppg_view(practice.id, ON)
    sex = _table(view, "Sex")
    # Published counts (perturbed, rounded) and shares worked out from them; five men never show as five.
    assert sex["Female"]["count"] in (15, 20, 25) and sex["Female"]["share"].endswith("%")
    assert sex["Male"]["count"] in ("*", 0)
    assert sex["Female"]["population_share"] == "55.0%" and sex["Male"]["population_share"] == "45.0%"
    ages = _table(view, "Age band")
    assert list(ages)[:3] == ["Under 15", "15 to 24", "25 to 34"]
    assert ages["35 to 44"]["count"] in (20, 25, 30) and ages["35 to 44"]["share"] == "100%"
    assert ages["35 to 44"]["population_share"] == "50.0%"
    assert ages["85 and over"]["population_share"] == "25.0%"


def test_ethnic_group_uses_the_area_baseline_only_when_there_is_one(app):
    practice = _practice_with_list()
    _ppg(practice, women=25, men=0)
    without = _table(ppg.ppg_view(practice.id, ON), "Ethnic group")
    assert without["White"]["population_share"] == ""
    load_area()
    with_area = _table(ppg.ppg_view(practice.id, ON), "Ethnic group")
    assert with_area["White"]["count"] in (20, 25, 30) and with_area["White"]["population_share"].endswith("%")


def test_page_is_linked_from_practice_and_roster_and_says_when_there_is_no_ppg(app, client):
    practice = _practice_with_list()
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/representation/ppg/{practice.id}").get_data(as_text=True)
    assert "no PPG roster" in page
    roster = _ppg(practice)
    link = f"/staff/representation/ppg/{practice.id}"
    assert link in client.get(f"/staff/organisations/practices/{practice.id}").get_data(as_text=True)
    engagement = app.test_client()
    login(engagement, create_staff_user("engagement"))
    assert link in engagement.get(f"/staff/rosters/{roster.id}").get_data(as_text=True)
    html = client.get(link + "?on=2026-06-01").get_data(as_text=True)
    assert "Registered list" in html and "55.0%" in html
    assert client.get("/staff/representation/ppg/999999").status_code == 404
