"""SendGrid's 429: waited out at least a second at a time, a bounded number of times, then put off, not failed."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rq import Queue
from sqlalchemy import select

from app.extensions import db
from app.newsletters import batches, controls, sending
from app.newsletters.models import Delivery
from tests.factories import create_member
from tests.newsletters.factories import create_campaign


class RateLimited:
    """A SendGrid stand-in answering 429 `limited` times (with a reset `reset_in` seconds from now), then 202."""

    def __init__(self, limited: int, reset_in: float):
        self.limited, self.reset_in, self.requests = limited, reset_in, 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.requests += 1
                if owner.requests <= owner.limited:
                    body = b'{"errors":[{"message":"too many"}]}'
                    self.send_response(429)
                    self.send_header("X-RateLimit-Reset", str(int(time.time() + owner.reset_in)))
                else:
                    body = b""
                    self.send_response(202)
                    self.send_header("X-Message-Id", "accepted-1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def limiter(app, request):
    limited, reset_in = request.param
    server = RateLimited(limited, reset_in)
    app.config.update(
        MAIL_BACKEND="sendgrid",
        SENDGRID_HOST=server.url,
        SENDGRID_API_KEY="SG.test",
        BULLETIN_MAX_RATE_LIMIT_WAIT_SECONDS=2.5,
        BULLETIN_RETRY_BACKOFF_SECONDS=0.01,
    )
    yield server
    server.stop()


def _frozen_batch():
    create_member()
    campaign = create_campaign()
    sending._freeze(campaign.id)
    return campaign, db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign.id)).all()


def _statuses(campaign):
    return db.session.scalars(select(Delivery.status).where(Delivery.campaign_id == campaign.id)).all()


@pytest.mark.parametrize("limiter", [(50, -5)], indirect=True)
def test_a_reset_already_past_is_waited_out_not_hammered_and_the_batch_is_put_off(app, limiter):
    campaign, ids = _frozen_batch()

    outcome = batches.send_batch(campaign.id, ids)

    # A second at a time within a 2.5 s allowance: two waits, three requests, not fifty.
    assert limiter.requests == 3
    assert outcome["rate_limited"] == 1
    assert _statuses(campaign) == ["queued"]  # not failed: it goes again after the reset


@pytest.mark.parametrize("limiter", [(50, 30)], indirect=True)
def test_a_batch_put_off_by_the_rate_limit_is_scheduled_for_the_reset(app, limiter, redis_queue):
    campaign, ids = _frozen_batch()

    batches.send_batch(campaign.id, ids)

    assert limiter.requests == 1  # a 30 s reset is more than the allowance: no waiting at all
    assert _statuses(campaign) == ["queued"]
    scheduled = Queue(app.config["RQ_QUEUE"], connection=redis_queue).scheduled_job_registry.get_job_ids()
    assert len(scheduled) == 1


@pytest.mark.parametrize("limiter", [(1, 2)], indirect=True)
def test_a_campaign_cancelled_while_its_batch_waits_out_a_429_sends_nothing_more(app, limiter):
    campaign, ids = _frozen_batch()

    def cancel_soon():
        time.sleep(0.5)
        with app.app_context():
            controls.cancel(campaign.id)

    canceller = threading.Thread(target=cancel_soon)
    canceller.start()
    batches.send_batch(campaign.id, ids)
    canceller.join()

    assert limiter.requests == 1
    db.session.expire_all()
    assert _statuses(campaign) == ["cancelled"]


@pytest.mark.parametrize("limiter", [(1, 2)], indirect=True)
def test_a_campaign_paused_while_its_batch_waits_out_a_429_keeps_the_rest_queued(app, limiter):
    campaign, ids = _frozen_batch()
    db.session.commit()

    def pause_soon():
        time.sleep(0.5)
        with app.app_context():
            controls.pause(campaign.id)

    pauser = threading.Thread(target=pause_soon)
    pauser.start()
    batches.send_batch(campaign.id, ids)
    pauser.join()

    assert limiter.requests == 1
    db.session.expire_all()
    assert _statuses(campaign) == ["queued"]
