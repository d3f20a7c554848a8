"""Benchmark: one campaign to 100,000 recipients through RQ workers to a local GOV.UK Notify,
by email, text message and (a few) letter, with the official notifications-python-client.

The fake Notify server (tests/support/notify_server.py, checking every JWT) runs in this process.
Prints messages/s, the ratio to the configured rate limit (NOTIFY_RATE_LIMIT, as if Notify had
raised the service's limit), the busiest second and minute the server saw, and whether every
recipient got exactly one notification.

    .venv/bin/python bench/send.py --backend notify [--recipients 100000] [--rate 400] [--letters 20]
"""

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _busiest(stamps: list[float], window: float) -> int:
    """The most notifications taken in any `window` seconds."""
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, moment in enumerate(stamps):
        while moment - stamps[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def main(args) -> None:
    from tests.support.notify_server import LocalNotify
    from tests.support.redis_server import RedisServer

    own_redis = None
    if not args.redis:
        own_redis = RedisServer().start()
        args.redis = own_redis.url
    server = LocalNotify().start()
    tmp = Path(tempfile.mkdtemp(prefix="involve-bench-notify-"))
    env = {
        "INVOLVE_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
        "REDIS_URL": args.redis,
        "RQ_QUEUE": "bench-send-notify",
        "PUBLIC_BASE_URL": "https://involve.example.nhs.uk",
        "OUTBOX_DIR": str(tmp / "outbox"),
        "BULLETIN_BATCH_SIZE": "1000",
        "NOTIFY_RATE_LIMIT": str(args.rate),
        "LOG_LEVEL": "WARNING",
        **{k: str(v) for k, v in server.config().items()},
        "NOTIFY_TIMEOUT": "30",
    }
    os.environ.update(env)
    try:
        run(args, env, server)
    finally:
        server.stop()
        if own_redis is not None:
            own_redis.stop()


def run(args, env, server) -> None:
    from flask_migrate import upgrade
    from redis import Redis
    from rq import Worker
    from sqlalchemy import func, insert, select, update

    from app import create_app
    from app.clock import now
    from app.extensions import db
    from app.members.models import Consent, Member
    from app.newsletters import audiences, campaigns, sending
    from app.newsletters.models import Campaign, Delivery

    sys.path.insert(0, str(ROOT / "bench"))
    from consenting_members import insert_consenting_members

    from app.newsletters import texts

    Redis.from_url(args.redis).flushdb()
    app = create_app()
    with app.app_context():
        if texts.next_allowed(now()) is not None:
            raise SystemExit("texts go only from 8 am to 8 pm UK time: run this benchmark in the day")
        upgrade()
        n = args.recipients
        at = now()
        ids = insert_consenting_members(n, at, numbered_names=True)
        # Every third prefers texts (a mobile and consent to texts); a few prefer letters (an address, consent).
        texters = ids[::3]
        posters = [i for i in ids[1::3]][: args.letters]
        for chunk in range(0, len(texters), 5000):
            part = texters[chunk : chunk + 5000]
            db.session.execute(
                update(Member).where(Member.id.in_(part)).values(preferred_channel="sms", mobile="+447700900123")
            )
        db.session.execute(
            update(Member)
            .where(Member.id.in_(posters))
            .values(
                preferred_channel="post", address_line_1="12 Church Street", town="Wolverhampton", postcode="WV1 1AA"
            )
        )
        consent = {"method": "import", "wording": "w", "wording_version": "1", "given_at": at}
        db.session.execute(insert(Consent), [{"member_id": i, "purpose": "text_messages", **consent} for i in texters])
        db.session.execute(insert(Consent), [{"member_id": i, "purpose": "post", **consent} for i in posters])
        db.session.commit()
        audience = audiences.save_audience("Everyone", {}, "list")
        body = "Hello {{ first_name }},\n\nNews this month.\n\n[Unsubscribe]({{ unsubscribe_url }})"
        campaign = campaigns.save_campaign(
            {
                "name": "Bench",
                "subject": "Bench bulletin",
                "body_markdown": body,
                "audience_id": audience.id,
                "sms_text": "Flu jabs this week at your practice.",
            }
        )
        campaign_id = campaign.id
        db.session.commit()
        redis = Redis.from_url(args.redis)
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env={**os.environ, **env}
            )
            for _ in range(args.workers)
        ]
        while Worker.count(connection=redis) < args.workers:
            time.sleep(0.1)
        time.sleep(1)
        print(
            f"recipients: {n}, workers: {args.workers}, rate limit: {args.rate}/s, database: {db.engine.dialect.name}"
        )
        started = time.perf_counter()
        sending.start_send(campaign_id)
        frozen = time.perf_counter() - started
        status_of = select(Campaign.status).where(Campaign.id == campaign_id)
        while db.session.scalar(status_of) == "sending":
            db.session.commit()
            time.sleep(0.2)
            if time.perf_counter() - started > args.timeout:
                print("timed out")
                break
        elapsed = time.perf_counter() - started
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait()
        db.session.expire_all()
        by = dict(
            db.session.execute(
                select(Delivery.channel, func.count())
                .where(Delivery.campaign_id == campaign_id, Delivery.status == "sent")
                .group_by(Delivery.channel)
            ).all()
        )
        statuses = dict(
            db.session.execute(
                select(Delivery.status, func.count())
                .where(Delivery.campaign_id == campaign_id)
                .group_by(Delivery.status)
            ).all()
        )
    references = Counter(server.references())
    stamps = [datetime.fromisoformat(n_["created_at"]).timestamp() for n_ in server.notifications]
    sent = sum(by.values())
    rate = sent / elapsed
    second, minute = _busiest(stamps, 1.0), _busiest(stamps, 60.0)
    print(f"freeze + enqueue: {frozen:.2f} s")
    print(f"sent: {sent} of {n} in {elapsed:.1f} s; by channel: {by}; statuses: {statuses}")
    print(f"notifications taken by the server: {len(server.notifications)}, unique references: {len(references)}")
    print(f"duplicates: {sum(c - 1 for c in references.values() if c > 1)}, refused: {len(server.refusals)}")
    # Notify counts its limit over a minute (3,000 a minute by default); batches go in bursts within it.
    print(f"busiest minute: {minute} (limit {args.rate * 60}, held: {minute <= args.rate * 60 * 1.02})")
    print(f"busiest second: {second} (a batch's burst; the limit is counted by the minute)")
    print(f"messages/s: {rate:.0f}")
    print(f"ratio to the configured limit: {rate / args.rate:.2f}")
