"""Bulk SMTP: one connection reused for a batch, one message per recipient, reconnecting when the relay closes it."""

import smtplib

import pytest
from sqlalchemy import select

from app.extensions import db
from app.newsletters import sending, tracking
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
    assert sending.progress(campaign.id)["in_doubt"] == 1
