"""Benchmark: a 100,000-row member import through a real worker, undisturbed and under fire.

Under fire the worker is SIGKILLed while it checks the file and while it writes the rows,
and restarted each time (as a supervisor would). After each kill the members in the
database are counted: none or all, never some. Both runs start from an empty database;
each is timed from the upload to the batch being imported. Judged by the ratio of the
time under fire to the undisturbed time, and by the final counts being exact.

It starts what it needs: redis-server on a free loopback port, and a SQLite file in a
temporary folder, or with --database-url a database of its own on that PostgreSQL server
(created for the run and dropped after it). Last line: JSON.

    .venv/bin/python bench/import_chaos.py [--rows 100000] [--kills 3] [--seed 2026]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    from redis import Redis

    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            Redis.from_url(url).ping()
            return server, url
        except Exception:  # noqa: BLE001 (not listening yet)
            time.sleep(0.05)
    server.terminate()
    raise SystemExit("redis-server did not start")


class Databases:
    """A new empty database for each run: a SQLite file, or one created on the PostgreSQL server given."""

    def __init__(self, folder: Path, server_url: str | None):
        self.folder, self.server_url, self.created = folder, server_url, []

    def new(self, name: str) -> str:
        if not self.server_url:
            return f"sqlite:///{self.folder / (name + '.db')}"
        import sqlalchemy as sa

        server = self.server_url
        for plain in ("postgresql://", "postgres://"):
            if server.startswith(plain):
                server = "postgresql+psycopg://" + server[len(plain) :]  # the driver the app uses
        database = f"involve_bench_{name}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        self.created.append((server, database))
        return server.rsplit("/", 1)[0] + "/" + database

    def drop_all(self) -> None:
        import sqlalchemy as sa

        for server, database in self.created:
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


def one_run(name: str, url: str, redis_url: str, folder: Path, csv_path: Path, kills: int, seed: int):
    from flask_migrate import upgrade

    from app import create_app
    from app.auth import services as auth
    from app.config import TestConfig
    from app.extensions import db
    from tests.support import import_chaos

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        REDIS_URL = redis_url
        RQ_QUEUE = f"bench-import-{name}"
        IMPORT_DIR = str(folder / f"imports-{name}")
        IMPORT_INLINE_MAX_ROWS = 1000
        OUTBOX_DIR = str(folder / "outbox")

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        staff = auth.create_user(f"bench-{name}@example.nhs.uk", "engagement", "correct horse battery staple")
        result = import_chaos.run(
            app, csv_path, staff.id, kills, random.Random(seed), timeout=900, log=folder / f"worker-{name}.log"
        )
        db.session.remove()
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=None, help="default: IMPORT_RETRIES, the most it survives")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server to create the databases on")
    args = parser.parse_args()

    os.environ.setdefault("INVOLVE_ENV", "test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from app.members.import_batches import IMPORT_RETRIES
    from tests.support import import_chaos

    kills = IMPORT_RETRIES if args.kills is None else args.kills
    folder = Path(tempfile.mkdtemp(prefix="involve-bench-chaos-"))
    redis, redis_url = start_redis(folder)
    databases = Databases(folder, args.database_url)
    try:
        csv_path = import_chaos.write_members(folder / "members.csv", args.rows, random.Random(args.seed))
        size_mb = csv_path.stat().st_size / 1e6
        calm = one_run("calm", databases.new("calm"), redis_url, folder, csv_path, 0, args.seed)
        fire = one_run("fire", databases.new("fire"), redis_url, folder, csv_path, kills, args.seed)
    finally:
        databases.drop_all()
        redis.terminate()
        redis.wait()
        shutil.rmtree(folder, ignore_errors=True)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    ratio = fire.seconds / calm.seconds
    purposes = len(import_chaos.PURPOSES)
    print(
        f"input: {args.rows:,} rows ({size_mb:.1f} MB CSV), {purposes} consents each; {backend}; "
        f"Redis on a free port; {os.cpu_count()} CPUs; seed {args.seed}"
    )
    print(f"undisturbed: {calm.seconds:.2f} s from upload to imported (check job, then import job)")
    print(
        f"under fire: {fire.seconds:.2f} s with {len(fire.kills)} kills ({kills} planned), worker started {fire.worker_starts} times"
    )
    for number, kill in enumerate(fire.kills, 1):
        print(
            f"  kill {number}: while {kill.phase}, {kill.after:.3f} s after it was seen; batch {kill.status}; "
            f"members in the database: {kill.members:,}"
        )
    for label, result in (("undisturbed", calm), ("under fire", fire)):
        print(
            f"final counts {label}: {result.members:,} members, {result.emails:,} distinct emails, "
            f"{result.consents:,} consents (expected {args.rows:,}, {args.rows:,}, {args.rows * purposes:,})"
        )
    print(f"ratio under fire / undisturbed: {ratio:.2f}")
    print(
        json.dumps(
            {
                "rows": args.rows,
                "database": backend,
                "undisturbed_seconds": round(calm.seconds, 2),
                "under_fire_seconds": round(fire.seconds, 2),
                "kills": [kill.__dict__ for kill in fire.kills],
                "worker_starts": fire.worker_starts,
                "members": fire.members,
                "emails": fire.emails,
                "consents": fire.consents,
                "exact": (fire.members, fire.emails, fire.consents) == (args.rows, args.rows, args.rows * purposes),
                "ratio_under_fire_to_undisturbed": round(ratio, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
