"""Benchmark: `flask backup create` and `restore` of a 100,000-member network.

Builds (or reuses, from BENCH_CACHE) a SQLite database of 100,000 members with names,
postcodes, dates of birth, two consents each and equality answers for 80%, plus 500 emails in
the outbox and a waiting upload. Times, best of 3, in the same run:
  SQLite:      backup create / restore into an empty database  vs  a plain copy of the same files
  PostgreSQL:  backup create / restore into an empty database  vs  a bare pg_dump / pg_restore
PostgreSQL runs when scripts/services.sh can start a server of its own (BENCH_PG_PORT,
BENCH_REDIS_PORT). Judged by the ratios: the consistent, checked archive against the bare copy.
Last line: JSON.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
EMAILS = 500
REPEAT = 3
CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "involve-bench-backup"))
PG_PORT = os.environ.get("BENCH_PG_PORT", "55490")
REDIS_PORT = os.environ.get("BENCH_REDIS_PORT", "63490")


def config(url: str, folder: Path):
    from app.config import TestConfig

    attrs = {
        "SQLALCHEMY_DATABASE_URI": url,
        "OUTBOX_DIR": str(folder / "outbox"),
        "IMPORT_DIR": str(folder / "imports"),
    }
    return type("BenchConfig", (TestConfig,), attrs)


def fill(n: int) -> None:
    """Bulk-insert the members, their consents and equality answers into the current app's database."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.members import equality
    from app.members.models import Consent, EqualityAnswers, Member

    rng = random.Random(1)
    created = datetime(2024, 1, 1)

    def pick(field):
        return rng.choice([c for c, _ in equality.choices(field)] + [None])

    for start in range(1, n + 1, 10000):
        ids = range(start, min(start + 10000, n + 1))
        members, consents, answers = [], [], []
        for i in ids:
            members.append(
                {
                    "id": i,
                    "email": f"person{i}@example.org",
                    "email_normalised": f"person{i}@example.org",
                    "first_name": rng.choice(["Priya", "Tomasz", "Sam", "Nia", "Alex", "Grace"]),
                    "last_name": f"Surname{i % 977}",
                    "postcode": f"WV{rng.randrange(1, 15)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                    "status": "active",
                    "date_of_birth": date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 78)),
                    "created_at": created,
                    "status_changed_at": created,
                    "last_activity_at": created,
                    "communication_needs": [],
                    "record_key": rng.randrange(256),
                }
            )
            for purpose in ("bulletin", "surveys"):
                consents.append(
                    {
                        "member_id": i,
                        "purpose": purpose,
                        "method": "import",
                        "wording": "Keep me informed about involvement in local health services.",
                        "wording_version": "1",
                        "given_at": created,
                    }
                )
            if rng.random() < 0.8:
                answers.append(
                    {
                        "member_id": i,
                        "ethnic_group": pick("ethnic_group"),
                        "ethnic_background": pick("ethnic_background"),
                        "sex": pick("sex"),
                        "sexual_orientation": pick("sexual_orientation"),
                        "disability": pick("disability"),
                        "religion": pick("religion"),
                        "updated_at": created,
                    }
                )
        db.session.execute(insert(Member), members)
        db.session.execute(insert(Consent), consents)
        db.session.execute(insert(EqualityAnswers), answers)
    db.session.commit()


def write_folders(folder: Path) -> None:
    (folder / "outbox").mkdir(parents=True, exist_ok=True)
    (folder / "imports").mkdir(parents=True, exist_ok=True)
    body = ("Hello,\n\nRead our news today.\n" * 150).encode()
    for i in range(EMAILS):
        (folder / "outbox" / f"{i:06d}.eml").write_bytes(f"To: person{i}@example.org\n\n".encode() + body)
    (folder / "imports" / "waiting.csv").write_bytes(b"Email,First name\n" + b"new@example.org,Nia\n" * 2000)


def cached_sqlite(work: Path) -> tuple[Path, float | None]:
    """The benchmark database, built once into BENCH_CACHE and copied; returns (path, build seconds or None)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    heads = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))[-1][:4]
    cached = CACHE / f"members-{MEMBERS}-{heads}.db"
    built = None
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        partial = CACHE / f"{cached.name}.building"
        partial.unlink(missing_ok=True)
        app = create_app(config(f"sqlite:///{partial}", work / "unused"))
        with app.app_context():
            upgrade()
            fill(MEMBERS)
            db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
            db.engine.dispose()
        partial.rename(cached)
        built = time.perf_counter() - started
    path = work / "source" / "involve.db"
    path.parent.mkdir(parents=True)
    shutil.copyfile(cached, path)
    return path, built


def best(times: list[float]) -> float:
    return min(times)


def time_backups(source_url: str, source_folder: Path, target_url, work: Path, label: str) -> dict:
    """Best of REPEAT for create and restore (each restore into a fresh empty database)."""
    from app import create_app
    from app.backup import services
    from app.extensions import db

    source = create_app(config(source_url, source_folder))
    creates, restores, sizes, rows = [], [], [], 0
    for run in range(REPEAT):
        archive = work / f"{label}-{run}.tar"
        with source.app_context():
            started = time.perf_counter()
            made = services.create_backup(str(archive))
            creates.append(time.perf_counter() - started)
            rows = made.rows
            db.engine.dispose()
        sizes.append(archive.stat().st_size)
        url, folder = target_url(run)
        target = create_app(config(url, folder))
        with target.app_context():
            started = time.perf_counter()
            result = services.restore_backup(str(archive))
            restores.append(time.perf_counter() - started)
            assert result.tables == made.tables and not result.migrated, "restore does not match the backup"
            assert result.files == {"imports": 1, "outbox": EMAILS}, result.files
            db.session.remove()
            db.engine.dispose()
        archive.unlink()
    return {"create": best(creates), "restore": best(restores), "archive_bytes": sizes[0], "rows": rows}


def copy_files(source_db: Path, source_folder: Path, into: Path) -> float:
    started = time.perf_counter()
    into.mkdir(parents=True)
    shutil.copyfile(source_db, into / "involve.db")
    shutil.copytree(source_folder / "outbox", into / "outbox")
    shutil.copytree(source_folder / "imports", into / "imports")
    return time.perf_counter() - started


def sqlite_figures(work: Path) -> dict:
    db_path, built = cached_sqlite(work)
    write_folders(work / "source")
    ours = time_backups(
        f"sqlite:///{db_path}",
        work / "source",
        lambda run: (f"sqlite:///{work / f'target{run}' / 'involve.db'}", work / f"target{run}"),
        work,
        "sqlite",
    )
    copies = [copy_files(db_path, work / "source", work / f"copy{run}") for run in range(REPEAT)]
    restores = [copy_files(work / "copy0" / "involve.db", work / "copy0", work / f"back{run}") for run in range(REPEAT)]
    return {
        **ours,
        "database_bytes": db_path.stat().st_size,
        "built_seconds": built,
        "copy": best(copies),
        "copy_back": best(restores),
    }


def start_postgres(folder: Path) -> str | None:
    env = {**os.environ, "TEST_PG_PORT": PG_PORT, "TEST_REDIS_PORT": REDIS_PORT}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "services.sh"), "start", str(folder)], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        return None
    for line in result.stdout.splitlines():
        if line.startswith("export TEST_POSTGRES_URL="):
            return line.split("=", 1)[1]
    return None


def stop_postgres(folder: Path) -> None:
    env = {**os.environ, "TEST_PG_PORT": PG_PORT, "TEST_REDIS_PORT": REDIS_PORT}
    subprocess.run(["bash", str(ROOT / "scripts" / "services.sh"), "stop", str(folder)], env=env, capture_output=True)


def postgres_figures(work: Path) -> dict | None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.backup import databases
    from app.extensions import db

    services_dir = Path(tempfile.mkdtemp(prefix="involve-bench-pg-"))
    server = start_postgres(services_dir)
    if server is None:
        shutil.rmtree(services_dir, ignore_errors=True)
        return None
    try:
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")

        def new_database(name: str) -> str:
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            return server.rsplit("/", 1)[0] + "/" + name

        source_url = new_database("bench_source")
        app = create_app(config(source_url, work / "source"))
        started = time.perf_counter()
        with app.app_context():
            upgrade()
            fill(MEMBERS)
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
            pg_dump, pg_restore = databases.find_tool("pg_dump"), databases.find_tool("pg_restore")
            address, env = databases.libpq_address(db.engine)
            db.engine.dispose()
        built = time.perf_counter() - started
        ours = time_backups(
            source_url,
            work / "source",
            lambda run: (new_database(f"bench_target{run}"), work / f"pgtarget{run}"),
            work,
            "pg",
        )
        dumps, restores = [], []
        for run in range(REPEAT):
            dump = work / f"bare{run}.pgdump"
            started = time.perf_counter()
            subprocess.run([pg_dump, "--format=custom", "--file", str(dump), "--dbname", address], env=env, check=True)
            dumps.append(time.perf_counter() - started)
            empty = new_database(f"bench_bare{run}")
            target = empty.replace("postgresql+psycopg://", "postgresql://")
            started = time.perf_counter()
            subprocess.run([pg_restore, "--no-owner", "--dbname", target, str(dump)], env=env, check=True)
            restores.append(time.perf_counter() - started)
            dump.unlink()
        admin.dispose()
        return {**ours, "built_seconds": built, "pg_dump": best(dumps), "pg_restore": best(restores)}
    finally:
        stop_postgres(services_dir)
        shutil.rmtree(services_dir, ignore_errors=True)


def main():
    work = Path(tempfile.mkdtemp(prefix="involve-bench-backup-"))
    try:
        lite = sqlite_figures(work)
        pg = postgres_figures(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"members: {MEMBERS:,}; rows in all tables: {lite['rows']:,}; files: {EMAILS} emails + 1 upload; best of {REPEAT}"
    )
    built = "reused from " + str(CACHE) if lite["built_seconds"] is None else f"built in {lite['built_seconds']:.1f} s"
    print(
        f"SQLite database: {lite['database_bytes'] / 1e6:.1f} MB ({built}); archive {lite['archive_bytes'] / 1e6:.1f} MB"
    )
    print(
        f"  backup create  {lite['create']:.3f} s   plain copy of the same files  {lite['copy']:.3f} s   ratio {lite['create'] / lite['copy']:.2f}"
    )
    print(
        f"  backup restore {lite['restore']:.3f} s   plain copy back               {lite['copy_back']:.3f} s   ratio {lite['restore'] / lite['copy_back']:.2f}"
    )
    figures = {
        "bench": "backup",
        "members": MEMBERS,
        "rows": lite["rows"],
        "sqlite": {
            "create_seconds": round(lite["create"], 4),
            "restore_seconds": round(lite["restore"], 4),
            "copy_seconds": round(lite["copy"], 4),
            "copy_back_seconds": round(lite["copy_back"], 4),
            "create_ratio": round(lite["create"] / lite["copy"], 2),
            "restore_ratio": round(lite["restore"] / lite["copy_back"], 2),
            "database_bytes": lite["database_bytes"],
            "archive_bytes": lite["archive_bytes"],
        },
        "postgresql": None,
    }
    if pg is None:
        print(
            "PostgreSQL: skipped (scripts/services.sh could not start a server; needs initdb in /usr/lib/postgresql/*/bin)"
        )
    else:
        print(f"PostgreSQL: loaded in {pg['built_seconds']:.1f} s; archive {pg['archive_bytes'] / 1e6:.1f} MB")
        print(
            f"  backup create  {pg['create']:.3f} s   bare pg_dump --format=custom  {pg['pg_dump']:.3f} s   ratio {pg['create'] / pg['pg_dump']:.2f}"
        )
        print(
            f"  backup restore {pg['restore']:.3f} s   bare pg_restore               {pg['pg_restore']:.3f} s   ratio {pg['restore'] / pg['pg_restore']:.2f}"
        )
        figures["postgresql"] = {
            "create_seconds": round(pg["create"], 4),
            "restore_seconds": round(pg["restore"], 4),
            "pg_dump_seconds": round(pg["pg_dump"], 4),
            "pg_restore_seconds": round(pg["pg_restore"], 4),
            "create_ratio": round(pg["create"] / pg["pg_dump"], 2),
            "restore_ratio": round(pg["restore"] / pg["pg_restore"], 2),
            "archive_bytes": pg["archive_bytes"],
        }
    print("restore includes reading and checking every checksum, the migrations run and the row counts checked")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
