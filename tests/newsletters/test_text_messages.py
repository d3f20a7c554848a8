"""The text message version of a campaign: counted in fragments on the form (with and without script),
refused when too long, sent by Notify to those who prefer texts and only between 8 am and 8 pm UK time,
each recipient on one channel, with a short tracked link and a way to stop texts."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from app.clock import from_uk
from app.extensions import db
from app.members.models import Member
from app.newsletters import batches, sending, texts
from app.newsletters.models import Delivery, TrackingEvent
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import create_campaign


@pytest.fixture
def config_overrides(notify):
    return {**notify.config(), "BULLETIN_BATCH_SIZE": 10}


@pytest.fixture
def daytime(monkeypatch):
    """Noon in the UK, whatever the test machine's clock says."""
    monkeypatch.setattr(texts, "now", lambda: from_uk(datetime(2026, 7, 1, 12, 0)))


def _texter(email, mobile="07700 900123"):
    return create_member(email=email, mobile=mobile, preferred_channel="sms", channel_consents=["text_messages"])


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("text", "characters", "fragments", "unicode"),
    [
        ("a" * 160, 160, 1, False),
        ("a" * 161, 161, 2, False),
        ("a" * 306, 306, 2, False),
        ("a" * 307, 307, 3, False),
        ("[]" * 40, 160, 1, False),  # extension characters count twice
        ("€" * 81, 162, 2, False),
        ("a" * 69 + "😀", 71, 2, True),  # one emoji: Unicode, and it takes two units
        ("“quoted”" + "a" * 60, 68, 1, True),
        ("a" * 134 + "’", 135, 3, True),
    ],
)
def test_texts_are_counted_in_gsm_or_unicode_fragments(text, characters, fragments, unicode):
    length = texts.measure(text)
    assert (length.characters, length.fragments, length.unicode) == (characters, fragments, unicode)


def test_the_form_shows_the_count_without_script_and_refuses_more_than_three_fragments(client):
    login(client, create_staff_user("comms"))
    campaign = create_campaign()
    url = f"/staff/bulletins/campaigns/{campaign.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "data-sms-counter" in page and "No text message version" in page
    token = csrf_token(page)
    base = {"csrf_token": token, "name": campaign.name, "subject": campaign.subject, "body_markdown": "News"}
    saved = client.post(url, data={**base, "sms_text": "New GP opening hours from Monday."})
    assert saved.status_code == 302
    shown = _text(client.get(url).get_data(as_text=True))
    expected = texts.measure_as_sent("New GP opening hours from Monday.")
    assert f"With the links added: {expected.characters} characters (GSM 7-bit): 1 text message." in shown
    refused = client.post(url, data={**base, "sms_text": "Big news! " * 50})
    assert refused.status_code == 400
    message = _text(refused.get_data(as_text=True))
    assert "The text message is too long" in message and "text messages, and at most 3 are allowed" in message
    db.session.expire_all()
    assert campaign.sms_text == "New GP opening hours from Monday."


def test_each_recipient_gets_it_once_on_one_channel(app, notify, daytime):
    texter = _texter("texts@example.org")
    emailer = create_member(email="email@example.org")
    no_consent = create_member(email="noconsent@example.org", mobile="07700 900999", preferred_channel="email")
    campaign = create_campaign(sms_text="Flu jabs at your surgery this week.")
    sending.start_send(campaign.id)
    channels = dict(db.session.execute(select(Delivery.member_id, Delivery.channel)).all())
    assert channels == {texter.id: "sms", emailer.id: "email", no_consent.id: "email"}
    assert sorted(notify.counts().items()) == sorted(
        {"+447700900123": 1, "email@example.org": 1, "noconsent@example.org": 1}.items()
    )
    [sms] = [n for n in notify.notifications if n["type"] == "sms"]
    body = sms["personalisation"]["body"]
    assert body.startswith("Flu jabs at your surgery this week.\nRead more: http://localhost/x/")
    assert "Stop texts: http://localhost/x/" in body


def test_a_campaign_without_a_text_version_emails_those_who_prefer_texts(app, notify, daytime):
    _texter("texts@example.org")
    campaign = create_campaign()
    sending.start_send(campaign.id)
    assert [n["type"] for n in notify.notifications] == ["email"]


@pytest.mark.parametrize("hour", [7, 20, 23])
def test_texts_are_held_outside_8am_to_8pm_and_go_at_8(app, notify, monkeypatch, hour):
    _texter("texts@example.org")
    create_member(email="email@example.org")
    campaign = create_campaign(sms_text="Flu jabs this week.")
    clock = [from_uk(datetime(2026, 12, 7, hour, 30))]
    monkeypatch.setattr(texts, "now", lambda: clock[0])
    sending.start_send(campaign.id)
    assert [n["type"] for n in notify.notifications] == ["email"]
    assert db.session.scalar(select(Delivery.status).where(Delivery.channel == "sms")) == "queued"
    held = texts.next_allowed(clock[0])
    assert held.hour == 8 and held.minute == 0  # 8 am GMT in December
    clock[0] = held
    sending.enqueue_queued(campaign.id)
    assert sorted(n["type"] for n in notify.notifications) == ["email", "sms"]


def test_the_text_link_opens_the_web_version_and_counts_a_click(app, client, notify, daytime):
    _texter("texts@example.org")
    campaign = create_campaign(sms_text="Flu jabs this week.")
    sending.start_send(campaign.id)
    link = re.search(r"http://localhost(/x/\w+)\n", notify.notifications[0]["personalisation"]["body"]).group(1)
    response = client.get(link)
    assert response.status_code == 302 and f"/bulletins/{campaign.id}/" in response.headers["Location"]
    event = db.session.scalar(select(TrackingEvent))
    assert event.kind == "click" and event.source == "sms"
    assert client.get(link[:-1] + ("A" if link[-1] != "A" else "B")).status_code == 404


def test_stop_texts_asks_first_then_withdraws_consent_and_prefers_email(app, client, notify, daytime):
    member = _texter("texts@example.org")
    campaign = create_campaign(sms_text="Flu jabs this week.")
    sending.start_send(campaign.id)
    stop = re.search(r"Stop texts: http://localhost(/x/\w+/s)", notify.notifications[0]["personalisation"]["body"])
    page = client.get(stop.group(1))
    assert page.status_code == 200 and "Stop texts from us?" in page.get_data(as_text=True)
    db.session.refresh(member)
    assert member.live_consent("text_messages") is not None  # a GET changes nothing
    done = client.post(stop.group(1))
    assert "We will not send you any more texts" in done.get_data(as_text=True)
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.live_consent("text_messages") is None and member.preferred_channel == "email"


def test_a_number_that_failed_gets_no_text_and_is_counted_apart_on_the_confirm_page(app, client, notify, daytime):
    login(client, create_staff_user("comms"))
    _texter("texts@example.org")
    failed = _texter("failed@example.org", mobile="07700 900456")
    failed.mobile_failed_at = datetime(2026, 1, 1)
    db.session.commit()
    create_member(email="email@example.org")
    create_member(email="letters@example.org", preferred_channel="post", channel_consents=["post"])
    campaign = create_campaign(sms_text="Flu jabs this week.")
    text = _text(client.get(f"/staff/bulletins/campaigns/{campaign.id}/send").get_data(as_text=True))
    assert "Email: 3 people" in text and "Text message: 1 person" in text
    assert "1 person would rather have texts, but have no mobile number" in text
    assert "1 person would rather have post" in text
    assert "Texts go only between 8 am and 8 pm UK time" in text
    sending.start_send(campaign.id)
    assert notify.counts()["+447700900123"] == 1 and "+447700900456" not in notify.counts()
    assert notify.counts()["failed@example.org"] == 1


def test_send_batch_of_texts_skips_someone_who_stopped_texts_meanwhile(app, notify, daytime):
    member = _texter("texts@example.org")
    campaign = create_campaign(sms_text="Flu jabs this week.")
    sending._freeze(campaign.id)
    from app.members import services as members

    members.stop_texts(member)
    db.session.commit()
    ids = list(db.session.scalars(select(Delivery.id)))
    batches.send_batch(campaign.id, ids)
    assert notify.notifications == []
    assert db.session.scalar(select(Delivery.status)) == "skipped"
