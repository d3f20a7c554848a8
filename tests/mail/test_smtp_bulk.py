"""Bulk SMTP: one connection reused for a batch, one message per recipient, reconnecting when the relay closes it."""

import smtplib

import pytest
from sqlalchemy import select

from app.extensions import db
from app.newsletters import controls, sending, tracking
from app.newsletters.models import Delivery
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.support.smtp_server import LocalSmtp, _Handler


class _LimitedHandler(_Handler):
    """Like many relays: at most `per_connection` messages, then 421 and the connection closes."""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.owner.connections.add(session.peer)
        sent = self.owner.per_session.get(session.peer, 0)
        if self.owner.per_connection and sent >= self.owner.per_connection:
            return "421 4.7.0 Too many messages on this connection"
        self.owner.per_session[session.peer] = sent + 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


class CountingSmtp(LocalSmtp):
    def __init__(self, per_connection=0, **kwargs):
        super().__init__(**kwargs)
        self.per_connection = per_connection
        self.per_session: dict = {}
        self.connections: set = set()

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(_LimitedHandler(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self


@pytest.fixture
def relay(request):
    server = CountingSmtp(per_connection=getattr(request, "param", 0)).start()
    yield server
    server.stop()


def _use(app, server):
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST=server.host, SMTP_PORT=server.port, BULLETIN_BATCH_SIZE=50)


def _send_to(app, relay, count):
    _use(app, relay)
    people = [create_member(email=f"reader{n}@example.org") for n in range(count)]
    campaign = create_campaign()
    sending.start_send(campaign.id)
    return campaign, people


def test_each_recipient_gets_exactly_one_message_over_one_connection(app, relay):
    campaign, people = _send_to(app, relay, 12)

    received = [m.rcpt_tos for m in relay.messages]
    assert sorted(r[0] for r in received) == sorted(p.email for p in people)
    assert all(len(r) == 1 for r in received)  # never a shared envelope
    assert len(relay.connections) == 1  # one batch, one connection
    ids = {p.email: p.id for p in people}
    for got in relay.messages:
        message = got.message
        assert message["To"] == got.rcpt_tos[0]
        web, mailto = (part.strip(" <>") for part in str(message["List-Unsubscribe"]).split(","))
        assert mailto.startswith("mailto:")
        # Each recipient's own one-click link: it unsubscribes them and nobody else.
        assert tracking.unsubscribe_target(web.rsplit("/", 1)[1]) == (ids[got.rcpt_tos[0]], campaign.id)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    statuses = db.session.scalars(select(Delivery.status).where(Delivery.campaign_id == campaign.id)).all()
    assert statuses == ["sent"] * 12


@pytest.mark.parametrize("relay", [5], indirect=True)
def test_a_relay_that_closes_the_connection_is_reconnected_without_repeats(app, relay):
    campaign, people = _send_to(app, relay, 12)

    assert sorted(m.rcpt_tos[0] for m in relay.messages) == sorted(p.email for p in people)
    assert len(relay.connections) == 3  # 5 + 5 + 2
    statuses = db.session.scalars(select(Delivery.status).where(Delivery.campaign_id == campaign.id)).all()
    assert statuses == ["sent"] * 12


def test_a_connection_dropped_mid_message_leaves_that_one_in_doubt_and_sends_the_rest(app, relay, monkeypatch):
    from app.mail import bulk

    calls = {"n": 0}
    real_data = bulk._Connection.data

    def flaky_data(self, msg):
        calls["n"] += 1
        if calls["n"] == 3:
            self.data_started = True
            self.close()
            raise smtplib.SMTPServerDisconnected("connection lost during DATA")
        return real_data(self, msg)

    monkeypatch.setattr(bulk._Connection, "data", flaky_data)
    campaign, people = _send_to(app, relay, 6)

    statuses = db.session.scalars(
        select(Delivery.status).where(Delivery.campaign_id == campaign.id).order_by(Delivery.id)
    ).all()
    assert sorted(statuses) == ["in_doubt"] + ["sent"] * 5
    assert len(relay.messages) == 5
    assert len({m.rcpt_tos[0] for m in relay.messages}) == 5
    assert controls.progress(campaign.id)["in_doubt"] == 1


class _PickyHandler(_Handler):
    """Refuses one message's content at DATA (554) and defers another's mailbox once (451)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.owner.defer_once:
            self.owner.defer_once.discard(address)
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        if self.owner.reject_content & set(envelope.rcpt_tos):
            return "554 5.7.1 Message rejected by content policy"
        return await super().handle_DATA(server, session, envelope)


class PickySmtp(LocalSmtp):
    def __init__(self, reject_content=(), defer_once=(), **kwargs):
        super().__init__(**kwargs)
        self.reject_content = set(reject_content)
        self.defer_once = set(defer_once)

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(_PickyHandler(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self


def _statuses(campaign):
    return dict(
        db.session.execute(select(Delivery.member_id, Delivery.status).where(Delivery.campaign_id == campaign.id)).all()
    )


def test_one_message_refused_at_data_fails_alone_and_the_rest_of_the_batch_is_sent(app):
    with PickySmtp(reject_content={"reader2@example.org"}) as relay:
        campaign, people = _send_to(app, relay, 6)

    assert sorted(m.rcpt_tos[0] for m in relay.messages) == sorted(
        p.email for p in people if p.email != "reader2@example.org"
    )
    statuses = _statuses(campaign)
    assert [statuses[p.id] for p in people] == ["sent", "sent", "failed", "sent", "sent", "sent"]
    reason = db.session.scalar(select(Delivery.reason).where(Delivery.member_id == people[2].id))
    assert "554" in reason


def test_a_mailbox_deferred_for_now_goes_back_to_the_queue_and_is_sent_later(app):
    with PickySmtp(defer_once={"reader1@example.org"}) as relay:
        campaign, people = _send_to(app, relay, 3)

    assert sorted(m.rcpt_tos[0] for m in relay.messages) == sorted(p.email for p in people)
    assert set(_statuses(campaign).values()) == {"sent"}


def test_a_mailbox_that_keeps_deferring_is_given_up_after_the_allowed_attempts(app):
    app.config["BULLETIN_MAX_ATTEMPTS"] = 3
    with LocalSmtp(defer={"reader0@example.org"}) as relay:
        campaign, people = _send_to(app, relay, 2)

    assert [m.rcpt_tos[0] for m in relay.messages] == ["reader1@example.org"]
    row = db.session.execute(select(Delivery.status, Delivery.attempts).where(Delivery.member_id == people[0].id)).one()
    assert tuple(row) == ("failed", 3)


class _RefuseSender(_Handler):
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return "550 5.7.1 Sender address not allowed to relay"


def test_a_relay_refusing_our_sender_fails_the_batch_and_pauses_the_campaign(app):
    from aiosmtpd.controller import Controller

    from app.newsletters.models import Campaign

    relay = LocalSmtp()
    relay._controller = Controller(_RefuseSender(relay), hostname=relay.host, port=relay.port)
    relay._controller.start()
    try:
        app.config["BULLETIN_MAX_ERRORS"] = 1
        campaign, _ = _send_to(app, relay, 3)
    finally:
        relay.stop()

    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "paused"
    assert set(_statuses(campaign).values()) == {"failed"}
