"""Giving bulletin consent again lifts an unsubscribe, never a hard bounce or a spam complaint."""

import json
import time
import uuid

import pytest
from sqlalchemy import select

from app import tokens
from app.errors import InvalidRequest
from app.extensions import db
from app.members import services as members
from app.newsletters import audiences, sending, tracking, webhooks
from app.newsletters.models import Delivery, Suppression
from tests.factories import create_member
from tests.newsletters.factories import create_audience, create_campaign

ALL = ["bulletin", "involvement", "surveys"]


def _recipients() -> int:
    return audiences.count({}).recipients


def _send_to_everyone(outbox) -> list[str]:
    before = len(outbox())
    campaign = create_campaign(create_audience(name=f"All {uuid.uuid4().hex[:6]}"), name="Next")
    try:
        sending.start_send(campaign.id)
    except InvalidRequest as refused:
        assert "Audience" in refused.errors  # nobody left to send to
    return [m["to"] for m in outbox()[before:]]


def _resubscribe(member):
    members.set_consents(members.get_member(member.id), ALL, "web_form")


def test_unsubscribing_then_giving_consent_again_makes_the_member_mailable(app, outbox):
    member = create_member(email="back@example.org")
    assert tracking.unsubscribe(tokens.sign("unsubscribe", member.id))
    assert _recipients() == 0
    assert _send_to_everyone(outbox) == []

    _resubscribe(member)

    assert _recipients() == 1
    assert _send_to_everyone(outbox) == ["back@example.org"]
    # The suppression stays on record; it just no longer applies.
    assert db.session.scalar(select(Suppression.reason)) == "unsubscribe"


def test_staff_recording_consent_again_also_lifts_the_unsubscribe(app, outbox):
    from tests.factories import create_staff_user

    staff = create_staff_user("engagement")
    member = create_member()
    tracking.unsubscribe(tokens.sign("unsubscribe", member.id))
    members.set_consents(members.get_member(member.id), ALL, "telephone", staff.id)
    assert _recipients() == 1


def test_unsubscribing_again_after_resubscribing_stops_mail_again(app, outbox):
    member = create_member()
    tracking.unsubscribe(tokens.sign("unsubscribe", member.id))
    _resubscribe(member)
    tracking.unsubscribe(tokens.sign("unsubscribe", member.id))
    assert _recipients() == 0


@pytest.mark.parametrize("reason", ["bounce", "complaint"])
def test_hard_bounces_and_complaints_stay_suppressed_after_consent_is_given_again(app, outbox, reason):
    member = create_member(email="gone@example.org")
    webhooks.suppress_member(member.id, reason)
    db.session.commit()
    members.set_consents(members.get_member(member.id), ["involvement"], "web_form")
    _resubscribe(member)
    assert _recipients() == 0
    assert audiences.count({}).suppressed == 1
    assert _send_to_everyone(outbox) == []


def test_a_bounce_after_an_unsubscribe_is_not_lifted_by_resubscribing(app, outbox):
    member = create_member()
    tracking.unsubscribe(tokens.sign("unsubscribe", member.id))
    webhooks.suppress_member(member.id, "bounce")
    db.session.commit()
    _resubscribe(member)
    assert _recipients() == 0
    assert db.session.scalar(select(Suppression.reason)) == "bounce"


def test_an_unsubscribe_reported_by_sendgrid_can_be_taken_back_too(app, outbox):
    member = create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))
    event = {
        "event": "group_unsubscribe",
        "sg_event_id": uuid.uuid4().hex,
        "timestamp": int(time.time()),
        "delivery_id": str(delivery.id),
        "campaign_id": str(campaign.id),
    }
    webhooks.process_batch(webhooks._store(json.dumps([event]), 1))
    assert _recipients() == 0
    assert members.get_member(member.id).live_consent("bulletin") is None

    _resubscribe(member)
    assert _recipients() == 1


def test_someone_elses_new_consent_does_not_lift_an_unsubscribe(app, outbox):
    from datetime import timedelta

    from app.clock import now
    from app.members.models import Consent

    left = create_member(email="left@example.org")
    db.session.add(
        Suppression(email_normalised="left@example.org", reason="unsubscribe", created_at=now() + timedelta(minutes=1))
    )
    db.session.commit()
    newcomer = create_member(email="newcomer@example.org")
    db.session.execute(
        Consent.__table__.update().where(Consent.member_id == newcomer.id).values(given_at=now() + timedelta(minutes=2))
    )
    db.session.commit()

    assert left.live_consent("bulletin") is not None  # only the suppression stands in the way
    assert _send_to_everyone(outbox) == ["newcomer@example.org"]
