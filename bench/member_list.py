"""Benchmark: the staff members list at 100,000 members.

Builds a temporary SQLite database (migrated like production, members bulk-inserted),
signs in as an engagement user and times, through the Flask test client:
  - the members list as it first opens (newest first, page 1), and
  - one filtered search (a name search among active members interested in one topic, sorted by name).
Beside each, in the same run, the bare SQL of the same filter (the page query and its count,
compiled from members.services.filtered_query and run on the raw driver connection).
Prints p50/p95 for each, the page/SQL ratio, and a last line of JSON. Goal: page p95 under 150 ms.

    python bench/member_list.py [--members 100000] [--repeat 200]
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.members import services as members  # noqa: E402
from tests.factories import create_staff_user, login  # noqa: E402

LIST_URL = "/staff/members"
SEARCH_URL = "/staff/members?q=smith&status=active&topic=mental-health&sort=name"
SEARCH_FILTER = members.MemberFilter(q="smith", status="active", topic="mental-health", sort="name")
PER_PAGE = 50

FIRST = "Olivia Amelia Isla Ava Mia Ivy Lily Aisha Fatima Priya Oliver George Noah Arthur Leo Muhammad Harry Jack Kwame Wei".split()
LAST = "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Khan Singh Ali Evans Thomas Roberts Walker Wright Robinson Thompson White Hughes Edwards Green Hall Wood".split()
OUTWARD = "WV1 WV2 WV3 WV4 WV6 WV10 WV11 WV14 B1 B15 DY1 WS1".split()


def percentile(values, q):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def build(n_members: int) -> None:
    """Insert practices, topics and n members with topics in a few executemany calls."""
    members.ensure_default_topics()
    rng = random.Random(2026)
    conn = db.session.connection().connection.driver_connection
    conn.executemany(
        "INSERT INTO pcn (id, code, name) VALUES (?, ?, ?)", [(i, f"U{i:05d}", f"PCN {i}") for i in range(1, 6)]
    )
    conn.executemany(
        "INSERT INTO practice (id, ods_code, name, postcode, pcn_id) VALUES (?, ?, ?, ?, ?)",
        [(i, f"M{92000 + i}", f"Practice {i}", "WV1 1AA", 1 + i % 5) for i in range(1, 31)],
    )
    statuses = ["active"] * 80 + ["pending"] * 8 + ["unsubscribed"] * 7 + ["lapsed"] * 3 + ["erased"] * 2
    contact_types = ["resident"] * 6 + ["patient"] * 2 + ["carer", "stakeholder", "gp_practice_staff"]
    bands = ["16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus"]
    start = datetime(2019, 1, 1)
    rows = []
    for i in range(1, n_members + 1):
        status = rng.choice(statuses)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        created = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 7))
        dob = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 75)) if rng.random() < 0.6 else None
        erased = status == "erased"
        rows.append(
            (
                i,
                None if erased else f"{first}.{last}.{i}@example.org",
                None if erased else f"{first}.{last}.{i}@example.org".lower(),
                "" if erased else first,
                "" if erased else last,
                "",
                ""
                if erased
                else f"{rng.choice(OUTWARD)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                None if erased else dob,
                None if erased or dob else rng.choice(bands),
                None if erased else rng.randrange(1, 31),
                rng.choice(contact_types),
                "[]",
                "",
                "",
                status,
                "web_form",
                created,
                created,
                created,
                created,
            )
        )
    conn.executemany(
        "INSERT INTO member (id, email, email_normalised, first_name, last_name, phone, postcode, date_of_birth,"
        " age_band, practice_id, contact_type, communication_needs, communication_language, how_heard, status,"
        " source, created_at, confirmed_at, status_changed_at, last_activity_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    topic_ids = [row[0] for row in conn.execute("SELECT id FROM topic ORDER BY id")]
    conn.executemany(
        "INSERT INTO member_topic (member_id, topic_id) VALUES (?, ?)",
        [(i, t) for i in range(1, n_members + 1) for t in rng.sample(topic_ids, rng.randrange(0, 4))],
    )
    db.session.commit()
    conn.execute("ANALYZE")


def bare_sql(filters, repeat: int) -> list[float]:
    """Time the page query and its count as plain SQL on the raw driver connection."""
    query = members.filtered_query(filters)
    page_sql = query.limit(PER_PAGE).offset(0)
    count_sql = db.select(db.func.count()).select_from(query.order_by(None).subquery())
    compiled = [
        str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
        for stmt in (page_sql, count_sql)
    ]
    conn = db.session.connection().connection.driver_connection
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for sql in compiled:
            conn.execute(sql).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    db.session.rollback()
    return times


def time_page(client, url: str, repeat: int) -> tuple[list[float], int, str]:
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    queries = len(statements)
    event.remove(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    html = first.get_data(as_text=True)
    found = html.split('<h2 id="results-heading">', 1)[1].split("</h2>", 1)[0].strip()
    return times, queries, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        config = type(
            "BenchConfig",
            (TestConfig,),
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "OUTBOX_DIR": f"{folder}/outbox"},
        )
        app = create_app(config)
        with app.app_context():
            upgrade()
            t0 = time.perf_counter()
            build(options.members)
            build_seconds = time.perf_counter() - t0
            client = app.test_client()
            login(client, create_staff_user("engagement"))
            print(f"members: {options.members:,} built in {build_seconds:.1f} s; repetitions: {options.repeat}")

            figures = {"members": options.members, "repeat": options.repeat, "build_seconds": round(build_seconds, 2)}
            for name, url, filters in (
                ("list", LIST_URL, members.MemberFilter()),
                ("search", SEARCH_URL, SEARCH_FILTER),
            ):
                page_times, queries, found = time_page(client, url, options.repeat)
                sql_times = bare_sql(filters, options.repeat)
                p50, p95 = statistics.median(page_times), percentile(page_times, 95)
                s50, s95 = statistics.median(sql_times), percentile(sql_times, 95)
                print(
                    f"{name:6} {url}\n"
                    f"       {found}; {queries} SQL statements per page\n"
                    f"       page p50 {p50:7.1f} ms  p95 {p95:7.1f} ms\n"
                    f"       SQL  p50 {s50:7.1f} ms  p95 {s95:7.1f} ms   page/SQL (p50) {p50 / s50:.2f}x"
                )
                figures[name] = {
                    "url": url,
                    "found": found,
                    "queries_per_page": queries,
                    "page_p50_ms": round(p50, 1),
                    "page_p95_ms": round(p95, 1),
                    "sql_p50_ms": round(s50, 1),
                    "sql_p95_ms": round(s95, 1),
                    "page_to_sql_ratio": round(p50 / s50, 2),
                }
            figures["goal_p95_ms"] = 150
            figures["goal_met"] = all(figures[n]["page_p95_ms"] < 150 for n in ("list", "search"))
            db.session.remove()
            db.engine.dispose()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
