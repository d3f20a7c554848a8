"""One token per recipient: the links in a sent bulletin open, click and unsubscribe for that recipient only."""

import re

import pytest
from sqlalchemy import select

from app import tokens
from app.extensions import db
from app.newsletters import reports, sending
from app.newsletters.models import Delivery, Suppression, TrackingEvent
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

HUMAN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def _links(message):
    pixel = re.search(r"/t/o/([^\"]+)\.gif", message["html"]).group(1)
    click = re.search(r'href="http://localhost(/t/c/[^"/]+/\d+)"', message["html"]).group(1)
    unsubscribe = re.search(
        r"<http://localhost(/unsubscribe/[^>]+)>", " ".join(message["headers"]["List-Unsubscribe"].split())
    )
    return pixel, click, unsubscribe.group(1)


def test_links_in_the_message_record_the_right_recipient(app, client, outbox):
    reader, other = create_member(email="reader@example.org"), create_member(email="other@example.org")
    campaign = create_campaign()
    sending.start_send(campaign.id)
    message = next(m for m in outbox() if m["to"] == reader.email)
    pixel, click, unsubscribe = _links(message)
    assert click.split("/")[3] == pixel == unsubscribe.rsplit("/", 1)[1]  # one token serves all three

    assert client.get(f"/t/o/{pixel}.gif", headers={"User-Agent": HUMAN}).status_code == 200
    assert client.get(click, headers={"User-Agent": HUMAN}).status_code == 302
    reports.refresh_stats(campaign.id)
    mine = db.session.scalar(select(Delivery.id).where(Delivery.member_id == reader.id))
    events = db.session.execute(select(TrackingEvent.kind, TrackingEvent.delivery_id)).all()
    assert sorted(events) == [("click", mine), ("open", mine)]

    assert client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(type(reader), reader.id).live_consent("bulletin") is None
    assert db.session.get(type(other), other.id).live_consent("bulletin") is not None
    assert db.session.scalar(select(Suppression.email_normalised)) == "reader@example.org"


def test_a_tampered_recipient_token_records_nothing(app, client, outbox):
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.campaign_id == campaign.id))
    forged = tokens.sign("recipient", [campaign.id, delivery.id, delivery.member_id])[:-3] + "abc"
    assert client.post(f"/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    client.get(f"/t/o/{forged}.gif", headers={"User-Agent": HUMAN})
    assert reports.refresh_stats(campaign.id).human_opens == 0
    assert db.session.scalar(select(Suppression.id)) is None


def test_the_preferences_link_in_a_bulletin_opens_that_recipients_own_page(app, client, outbox):
    reader = create_member(email="reader@example.org", first_name="Rania")
    create_member(email="other@example.org", first_name="Otto")
    sending.start_send(create_campaign().id)
    message = next(m for m in outbox() if m["to"] == reader.email)
    link = re.search(r"http://localhost(/preferences/[^\s\"<>]+)", message["text"]).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "reader@example.org" in page.get_data(as_text=True)
    assert "other@example.org" not in page.get_data(as_text=True)


def _legacy_short_token(purpose, ids):
    """A token as links sent before tokens were opaque carry them: "ids-time-tag", ids in hex."""
    from hashlib import blake2b

    message = "-".join(f"{i:x}" for i in ids) + f"-{int(tokens.time.time()):x}"
    key = tokens._compact_key(app_secret(), purpose)
    return f"{message}-{tokens._tag_text(blake2b(message.encode(), key=key, digest_size=12).digest())}"


def app_secret():
    from flask import current_app

    return current_app.config["SECRET_KEY"]


def test_a_batch_token_is_bound_to_its_ids_its_purpose_and_its_age(app, monkeypatch):
    # Links already sent in the older short form keep working, and stay bound to their ids.
    token = _legacy_short_token("recipient", [3, 41, 7])
    assert tokens.verify("recipient", token) == [3, 41, 7]
    fields, tag = token[:-17], token[-16:]
    campaign, delivery, member, stamp = fields.split("-")
    someone_else = f"{campaign}-{int(delivery, 16) + 1:x}-{member}-{stamp}-{tag}"
    for bad in (someone_else, token[:-1] + ("A" if token[-1] != "A" else "B"), "", "1-2-3", token + "é"):
        with pytest.raises(tokens.BadToken):
            tokens.verify("recipient", bad)
    with pytest.raises(tokens.BadToken):
        tokens.verify("unsubscribe", token)  # another purpose
    link = tokens.sign_many("preferences", [7])[0]
    assert tokens.verify("preferences", link, max_age=60) == 7
    later = tokens.time.time() + 120
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    with pytest.raises(tokens.BadToken) as raised:
        tokens.verify("preferences", link, max_age=60)
    assert raised.value.expired
