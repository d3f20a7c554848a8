"""Auditing a roster's current members and a bulletin's human readers."""

from datetime import date, datetime

import pytest

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters.models import Delivery
from app.representation import services
from tests.factories import create_member, create_staff_user, login
from tests.newsletters.factories import create_campaign
from tests.representation.helpers import born_years_before, load_area
from tests.rosters.factories import add, create_roster

ON = date(2026, 6, 1)


def _member(sex):
    return create_member(date_of_birth=born_years_before(ON, 40), equality={"sex": sex})


def _sex(results):
    entry = next(c for c in results["characteristics"] if c["key"] == "sex")
    return entry["known"], {c["category"]: c["count"] for c in entry["categories"]}


def test_a_roster_is_audited_on_its_active_members_only(client):
    load_area()
    roster = create_roster("Patient Cabinet")
    for _ in range(52):
        add(roster, _member("female"))
    for _ in range(5):
        _member("male")  # in the network, not in the group
    results = services.run_audit("roster", {"roster_id": str(roster.id)}, ON, exact=True)
    assert results["people"] == 52
    assert _sex(results) == (52, {"Female": 52, "Male": 0})
    protected = services.run_audit("roster", {"roster_id": str(roster.id)}, ON)
    assert abs(protected["people"] - 52) <= 5 and protected["people"] % 5 == 0
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/representation/?population=roster&roster_id={roster.id}&on=2026-06-01")
    assert page.status_code == 200 and "Patient Cabinet" in page.get_data(as_text=True)


def test_a_bulletin_is_audited_on_the_people_who_opened_or_clicked(app):
    load_area()
    campaign = create_campaign()
    for n in range(80):
        member = _member("female" if n < 61 else "male")
        read = datetime(2026, 5, 2, 9, 0) if n < 60 else None
        clicked = datetime(2026, 5, 2, 9, 5) if n == 60 else None
        db.session.add(
            Delivery(
                campaign_id=campaign.id, member_id=member.id, status="sent", first_open_at=read, first_click_at=clicked
            )
        )
    db.session.commit()
    results = services.run_audit("bulletin_readers", {"campaign_id": campaign.id}, ON, exact=True)
    assert results["people"] == 61
    assert _sex(results)[1]["Male"] == 0


@pytest.mark.parametrize(
    "kind,params,field",
    [
        ("roster", {}, "roster_id"),
        ("roster", {"roster_id": "999999"}, "roster_id"),
        ("roster", {"roster_id": "abc"}, "roster_id"),
        ("bulletin_readers", {"campaign_id": "999999"}, "campaign_id"),
    ],
)
def test_a_missing_or_unknown_group_is_a_field_error(app, kind, params, field):
    load_area()
    with pytest.raises(InvalidRequest) as refused:
        services.run_audit(kind, params, ON)
    assert field in refused.value.errors
