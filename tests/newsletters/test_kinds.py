"""A kind of message declared outside bulletins is sent by the bulletin code as it declares."""

import pytest
from sqlalchemy import select

from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.newsletters import audiences, content, kinds, sending
from app.newsletters.models import Delivery
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

BODY = "Hello {{ first_name }}\n\n[Your ticket]({{ ticket_url }})\n\n[Stop]({{ unsubscribe_url }})"


def _guests(values: list) -> list[int]:
    ids = audiences.record_ids(values, "Choose guests")
    if db.session.scalar(select(db.func.count()).select_from(Member).where(Member.id.in_(ids))) != len(ids):
        raise ValueError("Choose guests")
    return ids


@pytest.fixture
def event_notice(monkeypatch):
    """An event notice: each guest's own ticket link, an audience of guests, and a list of who was told."""
    # Registered for this test only.
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))
    told: list[list[int]] = []

    def ticket_check(campaign, body):
        if "ticket_url" in body:
            return [("Ticket link", True, "")]
        return [("Ticket link", False, "Add {{ ticket_url }}")]

    kind = kinds.register(
        kinds.MessageKind(
            name="event_notice",
            label="event notices",
            claims=lambda campaign: campaign.name.startswith("Event:"),
            merge_fields={"ticket_url": "The guest's ticket"},
            elsewhere=("Ticket link", "Only an event notice can carry {{ ticket_url }}"),
            fill=lambda campaign, member_ids: {"ticket_url": [f"https://tickets.example/{m}" for m in member_ids]},
            samples=lambda campaign: {"ticket_url": "https://tickets.example/sample"},
            checks=ticket_check,
            audience_sources=(
                kinds.AudienceSource("guest_ids", "These guests", _guests, lambda ids: Member.id.in_(ids)),
            ),
            on_freeze=lambda campaign, recipients: told.append(sorted(db.session.scalars(recipients))),
        )
    )
    return kind, told


def test_an_event_notice_goes_to_its_guests_each_with_their_own_ticket_and_records_who_was_told(
    app, outbox, event_notice
):
    _, told = event_notice
    guests = [create_member(first_name="Ann"), create_member(first_name="Bo")]
    create_member(first_name="Not invited")
    audience = audiences.save_audience("Guests", {"guest_ids": [g.id for g in guests]}, "segment")
    campaign = create_campaign(audience=audience, body=BODY, name="Event: open day")
    assert content.problems(campaign) == {}

    assert sending.start_send(campaign.id) == 2
    texts = {m["to"]: m["text"] for m in outbox()}
    assert set(texts) == {g.email for g in guests}
    for guest in guests:
        assert f"https://tickets.example/{guest.id}" in texts[guest.email]
    frozen = sorted(db.session.scalars(select(Delivery.member_id).where(Delivery.campaign_id == campaign.id)))
    assert told == [frozen]


def test_an_event_notice_is_checked_as_its_kind_says_and_previews_with_its_sample(app, event_notice):
    create_member()
    without = create_campaign(body="Hello [Stop]({{ unsubscribe_url }})", name="Event: no ticket")
    assert content.problems(without)["Ticket link"] == "Add {{ ticket_url }}"

    stray = create_campaign(body=BODY, name="March bulletin")
    assert content.problems(stray)["Ticket link"] == "Only an event notice can carry {{ ticket_url }}"

    html, text = content.preview(create_campaign(body=BODY, name="Event: preview"))
    assert "https://tickets.example/sample" in text


def test_an_audience_field_a_kind_adds_refuses_what_is_not_a_record(app, event_notice):
    with pytest.raises(InvalidRequest) as refused:
        audiences.clean_filter({"guest_ids": ["x"]})
    assert refused.value.errors == {"guest_ids": "Choose guests"}


def test_without_the_kind_its_merge_field_and_audience_field_are_unknown(app):
    with pytest.raises(InvalidRequest) as refused:
        audiences.clean_filter({"guest_ids": [1]})
    assert refused.value.errors == {"guest_ids": "You cannot filter on this field"}
    with pytest.raises(InvalidRequest) as unknown:
        create_campaign(body=BODY, name="Event: unknown")
    assert unknown.value.errors == {"body_markdown": "Unknown merge fields: {{ ticket_url }}"}
