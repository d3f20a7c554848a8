"""Benchmark: one bulletin sent undisturbed, then the same bulletin sent under fire, side by side in one run.

Under fire, at random moments for the whole send, a worker is SIGKILLed, Redis is restarted
(losing every queued job) or, with --postgres, every database connection is terminated;
and the local SendGrid server answers 429, 500 or too late (a timeout) for a share of
requests. Both sends go to the same recipients through the same number of RQ workers, each
to a SendGrid server of its own that counts what it accepted for each recipient.

Prints, for each send: the time, the faults of each kind, duplicates and missing messages
counted at the server, deliveries left in `sending`; then the ratio it is judged by (time
under fire / time undisturbed). Goal: duplicates 0, missing 0, left in sending 0.

It starts its own Redis, SendGrid server and (with --postgres) a throwaway PostgreSQL.

    .venv/bin/python bench/chaos.py [--recipients 20000] [--workers 2] [--batch-size 100] [--postgres]
"""

import argparse
import contextlib
import glob
import io
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.redis_server import RedisServer, free_port  # noqa: E402


class ThrowawayPostgres:
    """A PostgreSQL cluster in `directory`, on a free loopback port, without durability (a benchmark's)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not versions:
            raise SystemExit("--postgres needs PostgreSQL's server binaries (Debian: apt-get install postgresql)")
        self.bin = Path(versions[-1])

    def _as_postgres(self, *command: str) -> None:
        # initdb refuses to run as root: the cluster belongs to the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        data = self.directory / "pg"
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"
        )
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.directory / "pg.log"),
            "-w",
            "-o",
            options,
            "start",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.directory / "pg"), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    # Small batches keep the send going long enough for workers and Redis to be hit mid-batch many times.
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL instead of a SQLite file")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--fault-every", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument("--provider-fault-rate", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)

    # The figures are the output: the app's, the workers' and the web server's logs stay out of it.
    logging.disable(logging.CRITICAL)
    tmp = Path(tempfile.mkdtemp(prefix="involve-bench-chaos-"))
    # PostgreSQL runs as its own user and must be able to reach its folder.
    tmp.chmod(0o755)
    postgres = ThrowawayPostgres(tmp) if args.postgres else None
    redis = None
    try:
        database_url = postgres.start() if postgres else f"sqlite:///{tmp / 'bench.db'}"
        redis = RedisServer().start()
        run(args, seed, tmp, database_url, redis)
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, seed: int, tmp: Path, database_url: str, redis: RedisServer) -> None:
    from tests.newsletters.sendgrid_mock import API_KEY, SendGridMock, make_key_pair

    private_key, public_key = make_key_pair()
    settings = {
        "INVOLVE_ENV": "production",
        "SECRET_KEY": "bench-secret",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "RQ_QUEUE": "bench-chaos",
        "MAIL_BACKEND": "sendgrid",
        "SENDGRID_HOST": "http://127.0.0.1:9",  # each send gets a server of its own below
        "SENDGRID_API_KEY": API_KEY,
        "SENDGRID_WEBHOOK_PUBLIC_KEY": public_key,
        "SENDGRID_TIMEOUT": "1.0",
        "PUBLIC_BASE_URL": "https://involve.example.nhs.uk",
        "OUTBOX_DIR": str(tmp / "outbox"),
        "BULLETIN_BATCH_SIZE": str(args.batch_size),
        # Short leases so the sweeper settles interrupted batches within seconds, not the production quarter hour.
        "BULLETIN_CLAIM_LEASE_SECONDS": "2",
        "BULLETIN_INDOUBT_GRACE_SECONDS": "3",
        "BULLETIN_RETRY_BACKOFF_SECONDS": "0.05",
        "BULLETIN_MAX_ATTEMPTS": "10",
        "BULLETIN_MAX_ERRORS": "1000",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(settings)
    # The configuration is read from the environment when the app is first imported.
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db
    from app.newsletters import audiences, campaigns
    from tests.support import send_chaos

    app = create_app()
    # The Event Webhook, served by this process, as SendGrid would reach it.
    web = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    webhook_url = f"http://127.0.0.1:{web.server_port}/webhooks/sendgrid"
    rng = random.Random(seed)
    kinds = send_chaos.fault_kinds(database_url)
    with app.app_context():
        with contextlib.redirect_stdout(io.StringIO()):  # a migration's notes to the operator
            upgrade()
        emails = send_chaos.insert_recipients(args.recipients)
        audience = audiences.save_audience("Everyone", {}, "list")
        body = "Hello {{ first_name }},\n\nRead [our news](https://example.org/news).\n\n[Unsubscribe]({{ unsubscribe_url }})"
        ids = [
            campaigns.save_campaign(
                {"name": name, "subject": "News from your ICB", "body_markdown": body, "audience_id": audience.id}
            ).id
            for name in ("Undisturbed", "Under fire")
        ]
        db.session.commit()
        print(
            f"recipients: {args.recipients}, workers: {args.workers}, batch size: {args.batch_size}, "
            f"database: {db.engine.dialect.name}, seed: {seed}"
        )
        print(
            f"under fire: a process fault every {args.fault_every[0]}-{args.fault_every[1]} s ({', '.join(kinds)}), "
            f"provider faults on {args.provider_fault_rate:.0%} of requests (429, 500, slow)"
        )
        results = {}
        for name, campaign_id, under_fire in (("undisturbed", ids[0], False), ("under fire", ids[1], True)):
            sendgrid = SendGridMock(private_key=private_key, webhook_url=webhook_url).start()
            sendgrid.slow_seconds = 1.5  # longer than SENDGRID_TIMEOUT: the client is left in doubt
            app.config["SENDGRID_HOST"] = sendgrid.url
            try:
                results[name] = send_chaos.run(
                    app,
                    campaign_id,
                    emails,
                    sendgrid,
                    redis,
                    rng,
                    workers=args.workers,
                    fault_seconds=tuple(args.fault_every) if under_fire else None,
                    provider_fault_rate=args.provider_fault_rate if under_fire else 0.0,
                    timeout=args.timeout,
                    log_dir=tmp / "logs" / name.replace(" ", "-"),
                )
            finally:
                sendgrid.stop()
    web.shutdown()
    report(args, seed, database_url, results)


def report(args, seed: int, database_url: str, results: dict) -> None:
    calm, fire = results["undisturbed"], results["under fire"]
    print()
    print(f"{'':32}{'undisturbed':>14}{'under fire':>14}")
    rows = [
        ("time to finish (s)", f"{calm.seconds:.1f}", f"{fire.seconds:.1f}"),
        ("campaign", calm.status, fire.status),
        ("duplicates", calm.duplicates, fire.duplicates),
        ("missing", calm.missing, fire.missing),
        ("messages to anyone else", calm.unexpected, fire.unexpected),
        ("left in sending", calm.in_sending, fire.in_sending),
        ("workers restarted", calm.worker_restarts, fire.worker_restarts),
        ("batches interrupted", calm.batches_interrupted, fire.batches_interrupted),
        ("sweeps interrupted", calm.sweeps_interrupted, fire.sweeps_interrupted),
    ]
    from tests.support import send_chaos

    expected = (*send_chaos.fault_kinds(database_url), *send_chaos.PROVIDER_FAULTS)
    kinds = sorted(set(calm.faults) | set(fire.faults) | set(expected))
    rows += [(f"faults: {kind}", calm.faults[kind], fire.faults[kind]) for kind in kinds]
    rows.append(("last process fault at (s)", "-", f"{fire.last_fault:.1f}"))
    for label, a, b in rows:
        print(f"{label:32}{a!s:>14}{b!s:>14}")
    ratio = fire.seconds / calm.seconds
    print(f"ratio (time under fire / time undisturbed): {ratio:.2f}")
    exact = all(r.duplicates == 0 and r.missing == 0 and r.in_sending == 0 and r.status == "sent" for r in (calm, fire))
    print(
        json.dumps(
            {
                "benchmark": "chaos",
                "recipients": args.recipients,
                "workers": args.workers,
                "batch_size": args.batch_size,
                "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
                "seed": seed,
                "seconds_undisturbed": round(calm.seconds, 1),
                "seconds_under_fire": round(fire.seconds, 1),
                "ratio": round(ratio, 2),
                "faults": dict(sorted(fire.faults.items())),
                "duplicates": fire.duplicates,
                "missing": fire.missing,
                "left_in_sending": fire.in_sending,
                "goal_met": exact,
            }
        )
    )


if __name__ == "__main__":
    main()
