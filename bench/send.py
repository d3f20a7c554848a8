"""Benchmark: one bulletin to 100,000 recipients through RQ workers to a local SendGrid server.

Prints messages/s and the ratio to the limit measured in the same run: the same
server receiving equivalent prebuilt payloads as fast as one client can send them.
Goal: >= 5,000 messages/s, ratio >= 0.5, peak worker memory < 300 MB.

It also prints where the CPU went per message (workers, the sendgrid client's own
share of that measured on the same payloads, the server, the freeze) and the highest
ratio that split allows on this machine's cores.

    .venv/bin/python bench/send.py [--recipients 100000] [--workers 2] [--redis URL]
    .venv/bin/python bench/send.py --backend notify [--rate 400] [--letters 20]   (bench/send_notify.py)

It starts a Redis of its own unless given one (--redis or BENCH_REDIS_URL).
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    """The most resident memory the process has ever had (the kernel's high-water mark), in MB.

    Workers run jobs in their own process (no forked work horse), so this is the peak of
    every batch they ran, without sampling that would take CPU from the send.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stats(port: int, reset: bool = False) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/stats", headers={"X-Reset": "reset" if reset else ""})
    data = json.loads(conn.getresponse().read())
    conn.close()
    return data


LIMIT_PASSES = 3


def client_pass(port: int, payloads: list[bytes], content_type: dict) -> float:
    """CPU seconds this process spends posting the payloads through the real sendgrid client."""
    from sendgrid import SendGridAPIClient

    started = time.process_time()
    for payload in payloads:
        client = SendGridAPIClient("SG.test-key", host=f"http://127.0.0.1:{port}")
        response = client.client.mail.send.post(request_body=payload.decode(), request_headers=content_type)
        assert response.status_code == 202, response.status_code
    spent = time.process_time() - started
    stats(port, reset=True)
    return spent


def limit_pass(port: int, payloads: list[bytes], content_type: dict) -> float:
    """Messages/s the server takes from one client posting prebuilt payloads on one connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    started = time.perf_counter()
    for payload in payloads:
        conn.request(
            "POST", "/v3/mail/send", body=payload, headers={"Authorization": "Bearer SG.test-key", **content_type}
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 202, response.status
    elapsed = time.perf_counter() - started
    conn.close()
    received = stats(port, reset=True)
    assert received["problems"] == [], received["problems"]
    return received["accepted"] / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL"), help="a Redis to use (default: one started for the run)"
    )
    parser.add_argument("--backend", choices=("sendgrid", "notify"), default="sendgrid")
    parser.add_argument("--rate", type=int, default=400, help="notify: the rate limit configured, messages/s")
    parser.add_argument("--letters", type=int, default=20, help="notify: how many recipients prefer letters")
    parser.add_argument("--timeout", type=float, default=1800, help="notify: seconds before giving up")
    args = parser.parse_args()
    if args.backend == "notify":
        import send_notify

        send_notify.main(args)
        return
    own_redis = None
    if not args.redis:
        from tests.support.redis_server import RedisServer

        own_redis = RedisServer().start()
        args.redis = own_redis.url

    tmp = Path(tempfile.mkdtemp(prefix="involve-bench-send-"))
    port = free_port()
    env = {
        "INVOLVE_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
        "REDIS_URL": args.redis,
        "RQ_QUEUE": "bench-send",
        "MAIL_BACKEND": "sendgrid",
        "SENDGRID_HOST": f"http://127.0.0.1:{port}",
        "SENDGRID_API_KEY": "SG.test-key",
        "PUBLIC_BASE_URL": "https://involve.example.nhs.uk",
        "OUTBOX_DIR": str(tmp / "outbox"),
        "BULLETIN_BATCH_SIZE": "1000",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    server = subprocess.Popen([sys.executable, "-m", "tests.newsletters.sendgrid_mock", str(port)], cwd=ROOT)
    try:
        run(args, env, port, server)
    finally:
        server.terminate()
        server.wait()
        if own_redis is not None:
            own_redis.stop()


def run(args, env, port, server) -> None:
    from flask_migrate import upgrade
    from redis import Redis
    from rq import Worker
    from sqlalchemy import func, select, text

    from app import create_app
    from app.clock import now
    from app.extensions import db
    from app.mail.bulk import JSON_UTF8, SendGridBulk
    from app.members.models import Member
    from app.newsletters import audiences, batches, campaigns, sending
    from app.newsletters.models import Campaign, Delivery
    from app.newsletters.rendering import placeholders

    Redis.from_url(args.redis).flushdb()
    app = create_app()
    with app.app_context():
        upgrade()
        n = args.recipients
        print(f"recipients: {n}, workers: {args.workers}, database: {db.engine.dialect.name}")
        from consenting_members import insert_consenting_members

        at = now()
        insert_consenting_members(n, at, numbered_names=True)
        if db.engine.dialect.name == "postgresql":
            # A database in use has had its statistics gathered long before a bulletin goes out.
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        audience = audiences.save_audience("Everyone", {}, "list")
        body = (
            "Hello {{ first_name }},\n\n"
            + "\n\n".join(f"News item {k}: [read more](https://example.org/news/{k})" for k in range(5))
            + "\n\n[Unsubscribe]({{ unsubscribe_url }}) | [Preferences]({{ preferences_url }})"
        )
        campaign = campaigns.save_campaign(
            {"name": "Bench", "subject": "Bench bulletin", "body_markdown": body, "audience_id": audience.id}
        )
        campaign_id = campaign.id
        db.session.commit()

        # ---- the real path: freeze, enqueue, RQ workers, sendgrid client ----
        # Workers are already running when a send starts, as in production: their start-up is not timed.
        redis = Redis.from_url(args.redis)
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env={**os.environ, **env}
            )
            for _ in range(args.workers)
        ]
        while Worker.count(connection=redis) < args.workers:
            time.sleep(0.1)
        time.sleep(1)  # let the workers settle after their start-up
        cpu_before = {pid: cpu_seconds(pid) for pid in [server.pid, *(w.pid for w in workers)]}
        freeze_cpu = time.process_time()
        started = time.perf_counter()
        sending.start_send(campaign_id)
        frozen = time.perf_counter() - started
        freeze_cpu = time.process_time() - freeze_cpu
        status_of = select(Campaign.status).where(Campaign.id == campaign_id)
        while db.session.scalar(status_of) == "sending":
            db.session.commit()
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        peak = max(peak_rss_mb(w.pid) for w in workers)
        cpu = {pid: cpu_seconds(pid) - before for pid, before in cpu_before.items()}
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait()
        db.session.expire_all()
        sent = db.session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.campaign_id == campaign_id, Delivery.status == "sent")
        )
        status = db.session.get(Campaign, campaign_id).status
        received = stats(port, reset=True)
        rate = sent / elapsed
        after_freeze = sent / (elapsed - frozen)

        # ---- the limit: equivalent prebuilt payloads, one client, same server ----
        campaign = db.session.get(Campaign, campaign_id)
        rows = db.session.execute(
            select(Delivery.id, Delivery.member_id, Member.email, Member.first_name, audiences.may_receive())
            .join(Member, Member.id == Delivery.member_id)
            .where(Delivery.campaign_id == campaign_id)
            .order_by(Delivery.id)
        ).all()
        message = batches.bulk_message(campaign)
        used = placeholders(message.text, message.html)
        backend = SendGridBulk()
        payloads = [
            backend.encoded_body(message, batches._recipients(campaign, rows[i : i + 1000], used)).encode()
            for i in range(0, len(rows), 1000)
        ]
        # The fastest of three passes: "as fast as one client can send them".
        limit = max(limit_pass(port, payloads, JSON_UTF8) for _ in range(LIMIT_PASSES))
        # What the real sendgrid client costs on its own, on the same payloads: CPU in this process.
        client_cpu = client_pass(port, payloads, JSON_UTF8)

    print(f"freeze + enqueue: {frozen:.2f} s")
    print(f"sent: {sent} of {n} in {elapsed:.2f} s from the start, campaign {status}")
    print(f"messages/s once frozen (not the measure of the goal): {after_freeze:.0f}")
    print(
        f"server received: {received['accepted']} messages, {received['unique']} unique, {received['requests']} requests"
    )
    print(f"problems seen by the server: {received['problems']}")
    print(f"messages/s: {rate:.0f}")
    print(f"limit (prebuilt payloads, one client, best of {LIMIT_PASSES}): {limit:.0f} messages/s")
    print(f"ratio: {rate / limit:.2f}")
    print(f"peak worker memory: {peak:.0f} MB")
    # Where the CPU went, per message: the ratio cannot pass cores x server / (all of it) on this machine.
    per_message = {
        "workers": sum(v for pid, v in cpu.items() if pid != server.pid) / sent * 1e6,
        "server": cpu[server.pid] / sent * 1e6,
        "freeze": freeze_cpu / sent * 1e6,
        "sendgrid_client": client_cpu / sent * 1e6,
    }
    cores = os.cpu_count() or 1
    ceiling = cores * per_message["server"] / (per_message["workers"] + per_message["server"] + per_message["freeze"])
    print(
        "CPU per message: workers {workers:.1f} us (of which the sendgrid client alone {sendgrid_client:.1f} us), "
        "server {server:.1f} us, freeze {freeze:.1f} us".format(**per_message)
    )
    print(f"highest ratio this CPU split allows on {cores} cores, were every core busy all the time: {ceiling:.2f}")
    print(
        json.dumps(
            {
                "benchmark": "send",
                "recipients": n,
                "workers": args.workers,
                "messages_per_second": round(rate),
                "freeze_seconds": round(frozen, 2),
                "messages_per_second_once_frozen": round(after_freeze),
                "limit_messages_per_second": round(limit),
                "ratio": round(rate / limit, 3),
                "peak_worker_memory_mb": round(peak),
                "cpu_us_per_message": {k: round(v, 1) for k, v in per_message.items()},
                "ratio_ceiling_for_this_cpu_split": round(ceiling, 3),
                "sent": sent,
                "received_unique": received["unique"],
                "received_total": received["accepted"],
                "exactly_once": received["unique"] == received["accepted"] == n,
                "goal_met": rate >= 5000 and rate / limit >= 0.5 and peak < 300,
            }
        )
    )


if __name__ == "__main__":
    main()
