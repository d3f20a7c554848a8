from datetime import date

import pytest

from app.errors import InvalidRequest
from app.representation import report, services
from tests.factories import create_member
from tests.representation.helpers import born_years_before, load_area

ON = date(2026, 6, 1)


def _by_key(results):
    return {c["key"]: c for c in results["characteristics"]}


def _network(white=40, asian=0, declined=10, age=72):
    for _ in range(white):
        create_member(
            date_of_birth=born_years_before(ON, age),
            equality={"ethnic_group": "white", "sex": "female", "religion": "christian"},
        )
    for _ in range(asian):
        create_member(date_of_birth=born_years_before(ON, 30), equality={"ethnic_group": "asian", "sex": "male"})
    for _ in range(declined):
        create_member(
            date_of_birth=born_years_before(ON, age), equality={"ethnic_group": "prefer_not_to_say", "sex": "male"}
        )


def test_audit_flags_missing_groups_and_reports_coverage(app):
    load_area()
    _network(white=40, declined=10)
    create_member(status="unsubscribed", equality={"ethnic_group": "asian"})
    results = services.run_audit("active", on=ON)
    ethnic = _by_key(results)["broad_ethnic_group"]
    assert ethnic["status"] == "ok"
    assert ethnic["known"] == 40 and ethnic["unknown"] == 10
    assert ethnic["coverage"] == pytest.approx(0.8)
    rows = {c["category"]: c for c in ethnic["categories"]}
    assert rows["White"]["flag"] == "over"
    assert rows["Asian, Asian British or Asian Welsh"]["flag"] == "under"
    assert rows["White"]["share"] == 1.0
    assert ethnic["dissimilarity"] == pytest.approx(1 - rows["White"]["population_share"])
    assert any("Asian" in t["category"] for t in results["targets"])
    assert any("Ethnic group (5 broad groups): White" in s for s in results["summary"])


def test_deprivation_is_explained_not_invented(app):
    load_area()
    _network(white=25, declined=0)
    imd = _by_key(services.run_audit("active", on=ON))["imd_decile"]
    assert imd["status"] == "no_data"
    assert "postcode lookup" in imd["message"]
    assert "categories" not in imd


def test_a_group_too_small_is_explained(app):
    load_area()
    _network(white=5, declined=0)
    ethnic = _by_key(services.run_audit("active", on=ON))["broad_ethnic_group"]
    assert ethnic["status"] == "too_small"
    assert "fewer than the 20 needed" in ethnic["message"]
    shown = {i["key"]: i for i in report.present(services.run_audit("active", on=ON))}
    assert shown["broad_ethnic_group"]["known"] == "*"
    assert shown["broad_ethnic_group"]["dissimilarity"] == ""


def test_sexual_orientation_leaves_out_under_16s(app):
    load_area()
    create_member(date_of_birth=born_years_before(ON, 15), equality={"sexual_orientation": "straight"})
    create_member(date_of_birth=born_years_before(ON, 16), equality={"sexual_orientation": "straight"})
    orientation = _by_key(services.run_audit("active", on=ON))["sexual_orientation"]
    assert orientation["people"] == 1
    assert orientation["known"] == 1
    assert "Not answered" not in [c["category"] for c in orientation["categories"]]


def test_members_with_only_a_band_move_everyone_to_coarse_bands(app):
    load_area()
    create_member(age_band="16_24")
    create_member(date_of_birth=born_years_before(ON, 30))
    age = _by_key(services.run_audit("active", on=ON))["age_band"]
    counts = {c["category"]: c["count"] for c in age["categories"]}
    assert counts["Aged 24 years and under"] == 1
    assert counts["Aged 25 to 34 years"] == 1
    assert any("wider bands" in n for n in age["notes"])


def test_people_who_signed_up_in_a_period(app, monkeypatch):
    load_area()
    _network(white=3, declined=0)
    results = services.run_audit("signed_up", {"start": "2000-01-01", "end": "2000-12-31"}, ON)
    assert results["people"] == 0
    results = services.run_audit("signed_up", {"start": "2000-01-01"}, ON)
    assert results["people"] == 3
    with pytest.raises(InvalidRequest) as error:
        services.run_audit("signed_up", {"start": "2020-02-30"}, ON)
    assert "start" in error.value.errors


def test_audit_without_an_area_says_what_to_do(app):
    with pytest.raises(InvalidRequest) as error:
        services.run_audit("active", on=ON)
    assert "Choose the area" in error.value.message


def test_saved_audit_is_frozen_and_trends_compare_years(app):
    load_area()
    _network(white=30, declined=0)
    first = services.save_annual_audit("Audit 2025", on=date(2025, 6, 1))
    _network(white=0, asian=30, declined=0)
    second = services.save_annual_audit("Audit 2026", on=ON)
    assert first.results["people"] == 30 and second.results["people"] == 60
    assert services.get_audit(first.id).results["people"] == 30
    assert first.inputs["area"]["codes"] == ["E08000031"]
    trend = services.trend("active")
    white = trend["table"]["Ethnic group (5 broad groups)"]["White"]
    assert white == ["100.0%", "50.0%"]


def test_recruits_needed_closes_the_gap_to_the_interval():
    from app.statistics.comparison import wilson_interval

    more = report.recruits_needed(2, 100, 0.2)
    assert wilson_interval(2 + more, 100 + more)[1] >= 0.2
    assert wilson_interval(2 + more - 1, 100 + more - 1)[1] < 0.2
    assert report.recruits_needed(20, 100, 0.2) == 0
