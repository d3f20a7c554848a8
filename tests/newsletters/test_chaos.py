"""A bulletin sent while workers die, Redis restarts, the database drops connections and the
provider refuses or times out: every recipient gets exactly one message, counted at the server."""

import random

import pytest

from tests.newsletters.factories import create_campaign
from tests.support import send_chaos
from tests.support.redis_server import RedisServer

RECIPIENTS = 3000


@pytest.fixture
def config_overrides(sendgrid_config):
    return {
        **sendgrid_config,
        "BULLETIN_BATCH_SIZE": 20,
        "SENDGRID_TIMEOUT": 1.0,
        # Four 500s in a row would fail a batch for good, as it should; at this fault rate that is
        # a matter of luck, so allow more. A batch that did fail must show as missing, not pause the send.
        "BULLETIN_MAX_ATTEMPTS": 10,
        "BULLETIN_MAX_ERRORS": 1000,
        "BULLETIN_RETRY_BACKOFF_SECONDS": 0.05,
    }


@pytest.fixture
def redis_server(app):
    server = RedisServer().start()
    app.config["RQ_QUEUE"] = "chaos"
    yield server
    app.config["REDIS_URL"] = ""
    server.stop()


def test_every_recipient_gets_exactly_one_message_while_everything_fails(app, sendgrid, served, redis_server, tmp_path):
    seed = random.randrange(1_000_000)
    emails = send_chaos.insert_recipients(RECIPIENTS)
    campaign = create_campaign()
    # Answered after the client has given up, but taken: the provider's events must settle it.
    sendgrid.slow_seconds = 1.5

    figures = send_chaos.run(
        app,
        campaign.id,
        emails,
        sendgrid,
        redis_server,
        random.Random(seed),
        workers=2,
        fault_seconds=(1.0, 3.0),
        # Workers and Redis fail for the first 40 s; then the send must recover and finish,
        # however slowly a busy machine runs it.
        fault_window=40,
        provider_fault_rate=0.15,
        provider_delay=0.01,
        timeout=240,
        log_dir=tmp_path / "logs",
    )

    report = f"seed {seed}\n{figures}"
    assert sendgrid.problems == [], report
    assert figures.duplicates == 0, report
    assert figures.missing == 0, report
    assert figures.unexpected == 0, report
    assert figures.in_sending == 0, report
    assert figures.status == "sent", report
    assert figures.statuses == {"sent": RECIPIENTS}, report
    # Injection that silently stopped would pass everything above: every kind must have happened.
    kinds = (*send_chaos.fault_kinds(app.config["SQLALCHEMY_DATABASE_URI"]), *send_chaos.PROVIDER_FAULTS)
    assert all(figures.faults[kind] > 0 for kind in kinds), report
