"""The audit compares like with like: disability from both questions, ages within the eligible range, gender identity."""

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import InvalidRequest
from app.extensions import db
from app.representation import baselines, mapping, services
from app.representation.models import Baseline
from app.settings import services as site_settings
from tests.factories import create_member, create_staff_user, login
from tests.representation.helpers import HARTLEPOOL, born_years_before, load_area
from tests.rosters.factories import add, create_roster

ON = date(2026, 6, 1)
SEX_ONLY_CSV = b"characteristic,category,count\nsex,Female,520\nsex,Male,480\n"


def _by_key(results):
    return {c["key"]: c for c in results["characteristics"]}


def _rows(entry):
    return {c["category"]: c for c in entry["categories"]}


def _people(n, age=40, **equality):
    return [create_member(date_of_birth=born_years_before(ON, age), equality=equality or None) for _ in range(n)]


def test_disability_counts_a_condition_only_with_its_effect_on_day_to_day_activities(app):
    load_area()
    _people(30, disability="yes", disability_impact="a_lot")
    _people(10, disability="yes", disability_impact="a_little")
    _people(15, disability="yes", disability_impact="not_at_all")
    _people(10, disability="no")
    _people(12, disability="yes")  # the first question only: not known
    disability = _by_key(services.run_audit("active", on=ON, exact=True))["disability"]
    rows = _rows(disability)
    assert rows["Disabled under the Equality Act"]["count"] == 40
    assert rows["Not disabled under the Equality Act"]["count"] == 25
    assert disability["known"] == 65 and disability["unknown"] == 12
    assert any("limits them count as not known" in note for note in disability["notes"])


def test_the_age_baseline_is_the_eligible_range_with_no_band_mixing_children_and_adults(app):
    load_area(HARTLEPOOL)
    _people(60, age=17)
    _people(20, age=12)  # under the network's 16: left out of the age comparison
    age = _by_key(services.run_audit("active", on=ON, exact=True))["age_band"]
    rows = _rows(age)
    assert list(rows)[0] == "Aged 16 to 19 years"
    assert not {"Aged 15 to 19 years", "Aged 10 to 14 years", "Aged 4 years and under"} & set(rows)
    assert rows["Aged 16 to 19 years"]["count"] == 60 and age["known"] == 60
    # Hartlepool: 15 to 19 band 5,180; under 15s 16,484; 92,337 residents of whom 74,684 are 16 and over.
    fifteen = 92337 - 74684 - (4982 + 5582 + 5920)
    assert rows["Aged 16 to 19 years"]["population_share_value"] == pytest.approx((5180 - fifteen) / 74684, abs=0.001)
    assert age["base"].startswith("Usual residents aged 16 and over")
    assert any("cut at 16" in note for note in age["notes"])


def test_a_roster_is_compared_with_its_own_age_range_and_targets_follow_it(app):
    load_area(HARTLEPOOL)
    roster = create_roster("Young people's group", "young_people", min_age=16, max_age=24)
    for person in _people(60, age=22):
        add(roster, person)
    results = services.run_audit("roster", {"roster_id": roster.id}, ON, exact=True)
    assert results["age_range"]["text"] == "16 to 24" and results["age_range"]["source"] == "the group's age range"
    rows = _rows(_by_key(results)["age_band"])
    assert list(rows) == ["Aged 16 to 19 years", "Aged 20 to 24 years"]
    young = rows["Aged 16 to 19 years"]["population_share_value"]
    fifteen = 92337 - 74684 - (4982 + 5582 + 5920)
    assert young == pytest.approx((5180 - fifteen) / ((5180 - fifteen) + 5110), abs=0.001)
    [target] = [t for t in results["targets"] if t["key"] == "age_band"]
    assert target["category"] == "Aged 16 to 19 years"


def test_the_network_age_range_is_a_setting(app):
    load_area(HARTLEPOOL)
    _people(60, age=30)
    site_settings.save_settings({"eligible_min_age": "20", "eligible_max_age": ""})
    results = services.run_audit("active", on=ON, exact=True)
    assert results["age_range"]["text"] == "20 and over"
    assert list(_rows(_by_key(results)["age_band"]))[0] == "Aged 20 to 24 years"
    with pytest.raises(InvalidRequest) as error:
        site_settings.save_settings({"eligible_min_age": "18"})
    assert "16 or 20" in error.value.errors["eligible_min_age"]


@pytest.mark.parametrize(
    "params,field,words",
    [
        ({"min_age": "18"}, "min_age", "16 or 20"),
        ({"min_age": "16", "max_age": "25"}, "max_age", "24 or 29"),
        ({"min_age": "30", "max_age": "19"}, "max_age", "same as or more than"),
        ({"min_age": "old"}, "min_age", "whole number"),
    ],
)
def test_an_age_range_the_census_bands_cannot_give_is_refused_with_the_reason(app, params, field, words):
    load_area(HARTLEPOOL)
    _people(60)
    with pytest.raises(InvalidRequest) as error:
        services.run_audit("active", params, ON)
    assert error.value.status == 400
    assert words in error.value.errors[field]


def test_a_roster_whose_range_the_bands_cannot_give_is_explained(app):
    load_area(HARTLEPOOL)
    roster = create_roster("YPHA", "young_people", max_age=25)
    with pytest.raises(InvalidRequest) as error:
        services.run_audit("roster", {"roster_id": roster.id}, ON)
    assert error.value.status == 400
    assert "16 to 25 (the group's age range)" in error.value.message
    assert "24 or 29" in error.value.errors["max_age"]


def test_bad_age_ranges_are_refused_on_the_page_and_the_api(app, client):
    from tests.representation.test_api import _headers

    load_area(HARTLEPOOL)
    _people(60)
    headers = _headers()
    bad = client.get("/api/v1/representation/audit?min_age=18", headers=headers)
    assert bad.status_code == 422 and "min_age" in bad.get_json()["errors"]
    good = client.get("/api/v1/representation/audit?min_age=16&max_age=64&on=2026-06-01", headers=headers)
    assert good.status_code == 200 and good.get_json()["age_range"]["text"] == "16 to 64"
    login(client, create_staff_user("analyst"))
    page = client.get("/staff/representation/?on=2026-06-01&min_age=18")
    assert page.status_code == 400
    assert "cannot start at 18" in page.get_data(as_text=True)


def test_gender_identity_is_audited_against_the_census_aged_16_and_over(app):
    load_area(HARTLEPOOL)
    _people(55, gender_identity_same="yes")
    _people(5, gender_identity_same="no")
    _people(10, age=15, gender_identity_same="no")  # under 16: not in the Census base
    identity = _by_key(services.run_audit("active", on=ON, exact=True))["gender_identity"]
    assert identity["status"] == "ok" and identity["base"].endswith("(Census 2021 TS078)")
    rows = _rows(identity)
    assert rows[mapping.GENDER_IDENTITY_SAME]["count"] == 55
    assert rows[mapping.GENDER_IDENTITY_DIFFERENT]["count"] == 5
    # Hartlepool, Census 2021: 322 of the 70,910 who answered gave a gender identity other than their sex at birth.
    assert rows[mapping.GENDER_IDENTITY_DIFFERENT]["population_share_value"] == pytest.approx(322 / 70910, abs=0.001)
    assert rows[mapping.GENDER_IDENTITY_DIFFERENT]["flag"] == "over"
    assert any("official statistics in development" in note for note in identity["notes"])


def test_every_census_area_has_a_gender_identity_baseline_and_the_demo_area_is_audited(app):
    load_area()  # Wolverhampton
    _people(57, gender_identity_same="yes")
    _people(3, gender_identity_same="no")
    identity = _by_key(services.run_audit("active", on=ON, exact=True))["gender_identity"]
    assert identity["status"] == "ok" and identity["base"].endswith("(Census 2021 TS078)")
    # Wolverhampton, Census 2021: 1,679 of the 193,338 who answered gave an identity other than their sex at birth.
    different = _rows(identity)[mapping.GENDER_IDENTITY_DIFFERENT]
    assert different["population_share_value"] == pytest.approx(1679 / 193338, abs=0.001)
    baselines.load_census_baselines()
    areas = db.session.scalars(select(Baseline.area_code).where(Baseline.source == baselines.CENSUS).distinct()).all()
    assert len(areas) == 331
    for area in areas:
        sixteen_plus = sum(baselines.baseline_for([area], "gender_identity").values())
        # the two 16+ tables were perturbed separately; they agree within 30 people in every area
        assert abs(sixteen_plus - sum(baselines.baseline_for([area], "sexual_orientation").values())) <= 30, area


def test_an_area_without_a_gender_identity_baseline_says_so(app):
    practice_list = baselines.upload_custom_baseline("High Street Surgery list", SEX_ONLY_CSV)
    baselines.save_served_area([practice_list])
    _people(60, gender_identity_same="yes", sex="female")
    identity = _by_key(services.run_audit("active", on=ON))["gender_identity"]
    assert identity["status"] == "no_baseline" and "no baseline for gender identity" in identity["message"]


def test_each_characteristic_says_which_residents_its_census_table_counts(app):
    load_area(HARTLEPOOL)
    _people(60, sex="female", sexual_orientation="straight")
    shown = _by_key(services.run_audit("active", on=ON))
    assert any("residents of all ages" in note for note in shown["sex"]["notes"])
    assert any(
        "aged 16 and over, the same as the eligible range" in note for note in shown["sexual_orientation"]["notes"]
    )
