"""Event sign-ups: opened until an end time, closed early by staff, and device links that refuse when they should."""

from datetime import timedelta

import pytest

from app import clock
from app.errors import InvalidRequest
from app.members import signup_events
from app.members.signup_events import Refusal


def test_a_device_link_names_an_open_event_until_it_is_closed(app):
    event = signup_events.open_signup_event("Big Chat, Wolverhampton", clock.now() + timedelta(hours=3), None)
    token = signup_events.device_token(event)
    assert signup_events.event_for_device_token(token) == (event, None)
    signup_events.close_signup_event(event, None)
    assert signup_events.event_for_device_token(token) == (None, Refusal.ENDED)


@pytest.mark.parametrize("token", ["", "not-a-token", "abc.def.ghi", "1-2-AAAAAAAAAAAAAAAA"])
def test_forged_device_links_are_refused(app, token):
    assert signup_events.event_for_device_token(token) == (None, Refusal.INVALID)


def test_a_link_for_an_event_past_its_end_is_refused(app):
    event = signup_events.open_signup_event("Surgery open day", clock.now() + timedelta(minutes=5), None)
    token = signup_events.device_token(event)
    event.ends_at = clock.now() - timedelta(minutes=1)
    assert signup_events.event_for_device_token(token) == (None, Refusal.ENDED)


def test_an_event_needs_a_name_and_an_end_in_the_coming_week(app):
    with pytest.raises(InvalidRequest) as refused:
        signup_events.open_signup_event("", clock.now() - timedelta(hours=1), None)
    assert set(refused.value.errors) == {"name", "ends"}
    with pytest.raises(InvalidRequest):
        signup_events.open_signup_event("Fair", clock.now() + timedelta(days=8), None)
    assert signup_events.recent_signup_events() == []


def test_a_sign_up_at_an_event_is_counted_there_and_kept_as_the_members_source(app):
    from app.members import services as members

    members.ensure_default_topics()
    event = signup_events.open_signup_event("Library drop-in", clock.now() + timedelta(hours=2), None)
    result = members.sign_up(
        members.MemberInput(email="e1@example.org", first_name="A", last_name="B", postcode="WV1 1AA"),
        ["bulletin"],
        method="event",
        signup_event_id=event.id,
    )
    assert result.created and result.send_confirmation
    assert result.member.signup_event_id == event.id and result.member.source == "event"
    assert [c.method for c in result.member.consents] == ["event"]
    assert signup_events.get_signup_event(event.id).sign_up_count == 1
