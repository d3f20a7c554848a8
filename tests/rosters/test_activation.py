"""An invitation accepted later is checked against the group's rules again."""

from datetime import date

import pytest

from app.errors import InvalidRequest
from app.extensions import db
from app.rosters import services
from tests.factories import create_member, create_practice, create_staff_user, csrf_token, login
from tests.rosters.factories import add, create_roster


def _invited_then_moved():
    here, elsewhere = create_practice("M92001", "High Street"), create_practice("M92002", "Low Street")
    ppg = create_roster("High Street PPG", "ppg", practice_id=here.id)
    member = create_member(practice_id=here.id)
    invitation = add(ppg, member, starts_on=date(2026, 1, 1), status="invited")
    member.practice_id = elsewhere.id  # they moved practice before accepting
    db.session.commit()
    return ppg, invitation


def test_accepting_an_invitation_after_becoming_ineligible_is_refused():
    _, invitation = _invited_then_moved()
    with pytest.raises(InvalidRequest) as caught:
        services.activate_membership(invitation)
    assert "no longer eligible" in caught.value.message and "patients of High Street" in caught.value.message
    db.session.expire_all()
    assert services.get_membership(invitation.id).status == "invited"


def test_the_membership_page_says_why_it_cannot_be_made_active(client):
    ppg, invitation = _invited_then_moved()
    login(client, create_staff_user("admin"))
    url = f"/staff/rosters/{ppg.id}/memberships/{invitation.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "action": "activate"})
    assert response.status_code == 400
    assert "This member is no longer eligible" in response.get_data(as_text=True)
