"""Benchmark: open and click endpoints under concurrent load, against a no-op endpoint.

Serves the app with gunicorn (2 workers), loads it from a separate process, and
prints requests/s, p99 latency, the ratio of tracking to the no-op endpoint on the
same server in the same run (goal >= 0.6), and whether every request was recorded
exactly once.

    .venv/bin/python bench/tracking.py [--recipients 2000] [--threads 16]
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, paths: list[str], threads: int) -> dict:
    """Fire every path once from `threads` connections; latencies in ms."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    chunks = [paths[i::threads] for i in range(threads)]

    def worker(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        for path in chunk:
            started = time.perf_counter()
            conn.request("GET", path, headers={"User-Agent": UA})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status not in (200, 302):
                bad.append(response.status)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(paths),
        "seconds": elapsed,
        "rps": len(paths) / elapsed,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] if latencies else None,
        "failures": len(failures),
    }


def client_main(args) -> None:
    paths = json.loads(Path(args.client).read_text())
    print(json.dumps(load(args.port, paths, args.threads)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--client")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    tmp = Path(tempfile.mkdtemp(prefix="involve-bench-tracking-"))
    env = {
        "INVOLVE_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
        "MAIL_BACKEND": "outbox",
        "OUTBOX_DIR": str(tmp / "outbox"),
        "PUBLIC_BASE_URL": "https://involve.example.nhs.uk",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app, tokens
    from app.clock import now
    from app.extensions import db
    from app.newsletters import audiences, campaigns, sending
    from app.newsletters.models import Delivery, Link, TrackingEvent

    app = create_app()
    with app.app_context():
        upgrade()
        from consenting_members import insert_consenting_members

        at = now()
        n = args.recipients
        insert_consenting_members(n, at, numbered_names=False)
        audience = audiences.save_audience("Everyone", {}, "list")
        body = "\n\n".join(f"[Item {k}](https://example.org/{k})" for k in range(3)) + "\n\n{{ unsubscribe_url }}"
        campaign = campaigns.save_campaign(
            {"name": "B", "subject": "S", "body_markdown": body, "audience_id": audience.id}
        )
        sending._freeze(campaign.id)
        deliveries = db.session.execute(
            select(Delivery.id, Delivery.member_id).where(Delivery.campaign_id == campaign.id)
        ).all()
        links = db.session.scalars(select(Link.id).where(Link.campaign_id == campaign.id, ~Link.hidden)).all()
        # Each recipient's own token, as a sent bulletin carries it in its pixel and links.
        own = tokens.sign_many("recipient", [[campaign.id, d, m] for d, m in deliveries])
        tracking_paths = [f"/t/o/{t}.gif" for t in own] + [f"/t/c/{t}/{link}" for t in own for link in links]
        noop_paths = ["/t/health"] * len(tracking_paths)
        db.session.remove()
        db.engine.dispose()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/t/health")
                break
            except OSError:
                time.sleep(0.1)
        results = {}
        for name, paths in (("noop", noop_paths), ("tracking", tracking_paths)):
            path_file = tmp / f"{name}.json"
            path_file.write_text(json.dumps(paths))
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--client",
                    str(path_file),
                    "--port",
                    str(port),
                    "--threads",
                    str(args.threads),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait()

    with app.app_context():
        rows = db.session.execute(
            select(TrackingEvent.delivery_id, TrackingEvent.kind, TrackingEvent.link_id, func.count()).group_by(
                TrackingEvent.delivery_id, TrackingEvent.kind, TrackingEvent.link_id
            )
        ).all()
        recorded = sum(r[3] for r in rows)
        exactly_once = recorded == len(tracking_paths) and all(r[3] == 1 for r in rows)

    ratio = results["tracking"]["rps"] / results["noop"]["rps"]
    print(f"requests per phase: {len(tracking_paths)} ({n} opens, {n * len(links)} clicks), threads: {args.threads}")
    for name in ("noop", "tracking"):
        r = results[name]
        print(f"{name}: {r['rps']:.0f} requests/s, p99 {r['p99_ms']:.1f} ms, failures {r['failures']}")
    print(f"ratio tracking / no-op: {ratio:.2f}")
    print(f"recorded: {recorded} of {len(tracking_paths)}, exactly once: {exactly_once}")
    print(
        json.dumps(
            {
                "benchmark": "tracking",
                "requests": len(tracking_paths),
                "tracking_rps": round(results["tracking"]["rps"]),
                "tracking_p99_ms": round(results["tracking"]["p99_ms"], 1),
                "noop_rps": round(results["noop"]["rps"]),
                "noop_p99_ms": round(results["noop"]["p99_ms"], 1),
                "ratio": round(ratio, 3),
                "recorded": recorded,
                "exactly_once": exactly_once,
                "goal_met": ratio >= 0.6 and exactly_once,
            }
        )
    )


if __name__ == "__main__":
    main()
