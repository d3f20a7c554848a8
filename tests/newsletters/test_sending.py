"""Sending a campaign: frozen recipients, one message each, resumable after a crash."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members import services as members
from app.members.models import Member
from app.newsletters import batches, controls, sending, sweeper
from app.newsletters.models import Campaign, Delivery, Suppression
from tests.factories import create_member
from tests.newsletters.factories import create_audience, create_campaign


def _statuses(campaign_id):
    return dict(
        db.session.execute(select(Delivery.member_id, Delivery.status).where(Delivery.campaign_id == campaign_id)).all()
    )


def test_send_reaches_each_consenting_member_once_with_one_click_unsubscribe(app, outbox):
    keen = [create_member(first_name=f"P{i}") for i in range(3)]
    create_member(purposes=("involvement",))  # no bulletin consent
    create_member(status="unsubscribed")
    bounced = create_member()
    db.session.add(Suppression(email_normalised=bounced.email_normalised, reason="bounce"))
    db.session.commit()
    campaign = create_campaign()

    assert sending.start_send(campaign.id) == 3

    messages = outbox()
    assert sorted(m["to"] for m in messages) == sorted(m.email for m in keen)
    for message in messages:
        assert message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = " ".join(message["headers"]["List-Unsubscribe"].split())
        assert unsubscribe.startswith("<http://localhost/unsubscribe/") and "<mailto:" in unsubscribe
        assert "Unsubscribe" in message["html"] and "/unsubscribe/" in message["text"]
        assert "@" not in message["headers"].get("X-Involve-Delivery-Id", "")
    assert db.session.get(Campaign, campaign.id).status == "sent"
    assert set(_statuses(campaign.id).values()) == {"sent"}


def test_merge_fields_are_escaped_and_links_go_through_the_tracker(app, outbox):
    create_member(first_name="<b>Al</b>")
    campaign = create_campaign()
    sending.start_send(campaign.id)
    message = outbox()[0]
    assert "&lt;b&gt;Al&lt;/b&gt;" in message["html"] and "<b>Al</b>" not in message["html"]
    assert "Hello <b>Al</b>," in message["text"]
    assert "http://localhost/t/c/" in message["html"] and 'href="https://example.org/news"' not in message["html"]
    assert 'role="presentation"' in message["html"] and "style=" in message["html"]


def test_a_second_start_is_refused_and_sends_nothing_more(app, outbox):
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    with pytest.raises(InvalidRequest) as error:
        sending.start_send(campaign.id)
    assert error.value.status == 409
    assert len(outbox()) == 1


def test_running_a_batch_twice_sends_each_recipient_once(app, outbox, config_overrides):
    for _ in range(3):
        create_member()
    campaign = create_campaign()
    app.config["REDIS_URL"] = ""
    sending._freeze(campaign.id)
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign.id)))
    batches.send_batch(campaign.id, ids)
    batches.send_batch(campaign.id, ids)
    assert len(outbox()) == 3


def test_members_who_sign_up_after_the_start_are_not_added(app, outbox):
    create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    create_member()
    sending.enqueue_queued(campaign.id)
    sweeper.sweep()
    assert len(outbox()) == 1


def test_someone_who_unsubscribes_mid_send_is_not_sent_to(app, outbox):
    stays, leaves = create_member(), create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    members.unsubscribe_all(leaves)
    sending.enqueue_queued(campaign.id)
    assert [m["to"] for m in outbox()] == [stays.email]
    assert _statuses(campaign.id)[leaves.id] == "skipped"


def _crash_after_claim(campaign_id, minutes_ago):
    """Leave every delivery as a killed worker would: claimed, fate unknown."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.campaign_id == campaign_id)
        .values(status="sending", claim_token="dead", claimed_at=now() - timedelta(minutes=minutes_ago))
    )
    db.session.commit()


def test_sweeper_confirms_from_the_outbox_instead_of_sending_again(app, outbox):
    a, b = create_member(), create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    first = db.session.scalar(select(Delivery.id).where(Delivery.member_id == a.id))
    # The worker handed `a` over and died before marking anything.
    batches.send_batch(campaign.id, [first])
    db.session.execute(update(Delivery).where(Delivery.id == first).values(status="queued"))
    db.session.commit()
    _crash_after_claim(campaign.id, minutes_ago=120)

    sweeper.sweep()  # a: evidence in the outbox -> sent; b: no trace after the grace period -> requeued
    sweeper.sweep()

    assert sorted(m["to"] for m in outbox()) == sorted([a.email, b.email])
    assert set(_statuses(campaign.id).values()) == {"sent"}
    assert db.session.get(Campaign, campaign.id).status == "sent"


def test_sweeper_leaves_recent_claims_alone(app, outbox):
    create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    _crash_after_claim(campaign.id, minutes_ago=1)
    sweeper.sweep()
    assert outbox() == []
    assert set(_statuses(campaign.id).values()) == {"sending"}


def test_smtp_in_doubt_rows_wait_for_the_sender(app, outbox):
    app.config["MAIL_BACKEND"] = "smtp"
    create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    _crash_after_claim(campaign.id, minutes_ago=120)
    sweeper.sweep()
    assert set(_statuses(campaign.id).values()) == {"in_doubt"}
    app.config["MAIL_BACKEND"] = "outbox"
    controls.settle_in_doubt(campaign.id, "resend")
    assert len(outbox()) == 1


def test_pause_stops_sending_and_resume_finishes(app, outbox):
    for _ in range(2):
        create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    controls.pause(campaign.id)
    sending.enqueue_queued(campaign.id)
    assert outbox() == []
    assert controls.resume(campaign.id) == 2
    assert len(outbox()) == 2
    assert db.session.get(Campaign, campaign.id).status == "sent"


def test_cancel_marks_the_rest_cancelled(app, outbox):
    create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    assert controls.cancel(campaign.id) == 1
    sending.enqueue_queued(campaign.id)
    assert outbox() == []
    assert set(_statuses(campaign.id).values()) == {"cancelled"}


@pytest.mark.parametrize(
    ("body", "audience_empty", "reason"),
    [
        ("Hello {{ first_name }} {{ unsubscribe_url }}", True, "Audience"),
        ("Hello {{ first_name }}", True, "Audience"),
        ("Hello {{ surname }} {{ unsubscribe_url }}", False, "Merge fields"),
    ],
)
def test_send_is_refused_with_the_reason(app, outbox, body, audience_empty, reason):
    if not audience_empty:
        create_member()
    campaign = Campaign(name="c", subject="s", body_markdown=body, audience=create_audience())
    db.session.add(campaign)
    db.session.commit()
    with pytest.raises(InvalidRequest) as error:
        sending.start_send(campaign.id)
    assert reason in error.value.errors
    assert db.session.get(Campaign, campaign.id).status == "draft"
    assert outbox() == []


def test_scheduled_campaign_starts_when_its_time_comes(app, outbox, monkeypatch):
    from app.newsletters import campaigns

    create_member()
    campaign = create_campaign()
    campaigns.schedule(campaign.id, now() + timedelta(hours=1))
    sweeper.sweep()
    assert outbox() == []
    later = now() + timedelta(hours=2)
    monkeypatch.setattr("app.newsletters.sweeper.now", lambda: later)
    sweeper.sweep()
    assert len(outbox()) == 1


def test_sweep_command_starts_due_campaigns(app, outbox):
    from app.newsletters import campaigns

    create_member()
    campaign = create_campaign()
    campaigns.schedule(campaign.id, now() + timedelta(minutes=1))
    db.session.execute(update(Campaign).values(scheduled_at=now() - timedelta(minutes=1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["bulletins", "sweep"])
    assert result.exit_code == 0 and "started: 1" in result.output
    assert len(outbox()) == 1


def test_segment_of_members_who_opened_a_recent_bulletin(app, outbox):
    from app.newsletters import audiences

    reader, other = create_member(), create_member()
    first = create_campaign()
    sending.start_send(first.id)
    db.session.execute(update(Delivery).where(Delivery.member_id == reader.id).values(first_open_at=now()))
    db.session.commit()
    assert audiences.count(audiences.clean_filter({"opened_last": ["3"]})).recipients == 1
    with pytest.raises(InvalidRequest):
        audiences.clean_filter({"opened_last": ["1000"]})
    assert other.id not in db.session.scalars(audiences.recipients_query({"opened_last": [3]})).all()


def test_a_batch_of_scattered_ids_sends_to_exactly_those_recipients(app, outbox):
    for i in range(7):
        create_member(first_name=f"P{i}")
    campaign = create_campaign()
    sending._freeze(campaign.id)
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign.id).order_by(Delivery.id)))
    chosen = [ids[0], ids[2], ids[3], ids[6]]

    assert batches.send_batch(campaign.id, chosen)["sent"] == 4

    by_id = dict(db.session.execute(select(Delivery.id, Delivery.status)).all())
    assert [by_id[i] for i in ids] == ["sent", "queued", "sent", "sent", "queued", "queued", "sent"]
    chosen_emails = set(
        db.session.scalars(
            select(Member.email).join(Delivery, Delivery.member_id == Member.id).where(Delivery.id.in_(chosen))
        )
    )
    assert {m["to"] for m in outbox()} == chosen_emails


def test_the_rest_of_a_send_with_gaps_between_its_rows_goes_to_each_remaining_recipient_once(app, outbox):
    app.config["BULLETIN_BATCH_SIZE"] = 2
    for i in range(7):
        create_member(first_name=f"P{i}")
    campaign = create_campaign()
    sending._freeze(campaign.id)
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign.id).order_by(Delivery.id)))
    batches.send_batch(campaign.id, [ids[0], ids[2], ids[3], ids[6]])
    sent_first = len(outbox())

    # Rows 1, 4 and 5 are left queued, with sent rows between them: the batches are made from their ids.
    assert sending.enqueue_queued(campaign.id) == 3

    messages = outbox()
    assert sent_first == 4 and len(messages) == 7
    assert len({m["to"] for m in messages}) == 7
    assert set(_statuses(campaign.id).values()) == {"sent"}
