"""Fixtures for bulletin tests: a local SendGrid server, the app served over HTTP, a real RQ worker."""

import os
import threading
import uuid

import pytest
from werkzeug.serving import make_server

from tests.factories import create_staff_user, login
from tests.newsletters.sendgrid_mock import API_KEY, SendGridMock, make_key_pair
from tests.support.notify_server import LocalNotify
from tests.support.worker import SENDING, Worker


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:63799/7")


@pytest.fixture
def config_overrides(tmp_path):
    """Bulletin images in this test's own folder; a module overrides this for other settings."""
    return {"IMAGES_DIR": str(tmp_path / "images")}


@pytest.fixture
def comms(client):
    """The test client signed in as a comms officer; the fixture's value is that staff user."""
    user = create_staff_user("comms")
    login(client, user)
    return user


@pytest.fixture
def api(app):
    """A test client carrying a comms role's API token."""
    from app.auth import services as auth

    client = app.test_client()
    _, secret = auth.create_api_token("comms client", "comms")
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture
def notify():
    """A local GOV.UK Notify server; its config() points the app at it."""
    server = LocalNotify().start()
    yield server
    server.stop()


@pytest.fixture
def webhook_keys():
    return make_key_pair()


@pytest.fixture
def sendgrid(webhook_keys):
    mock = SendGridMock(private_key=webhook_keys[0]).start()
    yield mock
    mock.stop()


@pytest.fixture
def sendgrid_config(sendgrid, webhook_keys):
    return {
        "MAIL_BACKEND": "sendgrid",
        "SENDGRID_HOST": sendgrid.url,
        "SENDGRID_API_KEY": API_KEY,
        "SENDGRID_WEBHOOK_PUBLIC_KEY": webhook_keys[1],
        "SENDGRID_TIMEOUT": 4.0,
        "BULLETIN_BATCH_SIZE": 10,
        "BULLETIN_CLAIM_LEASE_SECONDS": 2,
        "BULLETIN_INDOUBT_GRACE_SECONDS": 3,
        "BULLETIN_RETRY_BACKOFF_SECONDS": 0.01,
        "BULLETIN_MAX_ERRORS": 1,
    }


@pytest.fixture
def served(app, sendgrid):
    """The app on a local port, so the SendGrid server can post events to its webhook."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sendgrid.webhook_url = f"http://127.0.0.1:{server.server_port}/webhooks/sendgrid"
    yield server
    server.shutdown()


@pytest.fixture
def redis_queue(app):
    """A real Redis (TEST_REDIS_URL) with a queue of this test's own; flushes only that database."""
    from redis import Redis

    url = redis_url()
    connection = Redis.from_url(url)
    connection.flushdb()
    app.config["REDIS_URL"] = url
    app.config["RQ_QUEUE"] = f"test-bulletins-{uuid.uuid4().hex[:8]}"
    yield connection
    app.config["REDIS_URL"] = ""
    connection.flushdb()
    connection.close()


@pytest.fixture
def worker(app, redis_queue):
    workers = []

    def make():
        w = Worker(app, settings=SENDING)
        workers.append(w)
        return w

    yield make
    for w in workers:
        w.stop()
