"""Benchmark: the roster page and the attendance page at 100,000 members, 1,000 rosters and
50,000 attendance records. Goal: p95 under 150 ms for each page.

Each page is timed through the full Flask stack (sign-in, permission check, queries, template),
side by side with the bare queries it stands on, and the ratio page / bare query is printed.

    python bench/rosters.py                 # SQLite file in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://... python bench/rosters.py
Last line: JSON with the figures.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
ROSTERS = int(os.environ.get("BENCH_ROSTERS", "1000"))
ATTENDANCE = int(os.environ.get("BENCH_ATTENDANCE", "50000"))
PER_ROSTER = 25  # memberships per roster, a fifth of them ended (history)
MEETINGS_PER_ROSTER = 5
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
GOAL_MS = 150


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] * 1000


def build(db, models):
    from app.members.models import EqualityAnswers, Member
    from app.rosters.models import Attendance, Meeting, Roster, RosterMembership

    rng = random.Random(7)
    started = time.perf_counter()
    now = datetime(2026, 1, 1)
    batch = []
    for i in range(1, MEMBERS + 1):
        batch.append(
            {
                "id": i,
                "email": f"m{i}@example.org",
                "email_normalised": f"m{i}@example.org",
                "first_name": f"First{i}",
                "last_name": f"Last{i % 5000}",
                "phone": "",
                "postcode": "WV1 1AA",
                "date_of_birth": date(1940 + i % 65, 1 + i % 12, 1 + i % 28),
                "contact_type": "resident",
                "communication_needs": [],
                "communication_language": "",
                "how_heard": "",
                "status": "active",
                "source": "import",
                "created_at": now,
                "status_changed_at": now,
                "last_activity_at": now,
            }
        )
        if len(batch) == 10000:
            db.session.execute(db.insert(Member), batch)
            batch = []
    if batch:
        db.session.execute(db.insert(Member), batch)
    answers = [
        {
            "member_id": i,
            "ethnic_group": rng.choice(["white", "asian", "black", "mixed", "other"]),
            "sex": rng.choice(["female", "male"]),
            "disability": rng.choice(["yes", "no"]),
            "ethnic_other": "",
            "sexual_orientation_other": "",
            "religion_other": "",
            "updated_at": now,
        }
        for i in range(1, MEMBERS + 1, 2)
    ]
    db.session.execute(db.insert(EqualityAnswers), answers)
    db.session.execute(
        db.insert(Roster),
        [
            {
                "id": r,
                "name": f"Group {r}",
                "kind": "other",
                "purpose": "",
                "target_size": 30,
                "contact_types": [],
                "created_at": now,
            }
            for r in range(1, ROSTERS + 1)
        ],
    )
    memberships, meetings, attendance = [], [], []
    meeting_id = 0
    per_meeting = max(1, ATTENDANCE // (ROSTERS * MEETINGS_PER_ROSTER))
    for r in range(1, ROSTERS + 1):
        people = rng.sample(range(1, MEMBERS + 1), PER_ROSTER)
        for n, member_id in enumerate(people):
            ended = n >= PER_ROSTER * 4 // 5
            memberships.append(
                {
                    "roster_id": r,
                    "member_id": member_id,
                    "role": "chair" if n == 0 else "member",
                    "status": "ended" if ended else "active",
                    "starts_on": date(2024, 1, 1),
                    "ends_on": date(2025, 1, 1) if ended else None,
                    "term_ends_on": date(2027, 1, 1),
                    "end_reason": "resigned" if ended else "",
                    "created_at": now,
                }
            )
        for k in range(MEETINGS_PER_ROSTER):
            meeting_id += 1
            meetings.append(
                {
                    "id": meeting_id,
                    "roster_id": r,
                    "kind": "group_meeting",
                    "title": f"Meeting {k}",
                    "description": "",
                    "starts_at": now + timedelta(days=30 * k),
                    "location": "Civic Centre",
                    "online_url": "",
                    "accessibility": "",
                    "registration_open": False,
                    "created_at": now,
                }
            )
            for member_id in people[:per_meeting]:
                attendance.append(
                    {
                        "meeting_id": meeting_id,
                        "member_id": member_id,
                        "recorded_at": now,
                        "status": rng.choice(["attended", "attended", "apologies", "did_not_attend"]),
                    }
                )
    db.session.execute(db.insert(RosterMembership), memberships)
    db.session.execute(db.insert(Meeting), meetings)
    db.session.execute(db.insert(Attendance), attendance)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return time.perf_counter() - started, len(memberships), len(attendance)


def main() -> None:
    from flask import g
    from flask_migrate import upgrade

    from app import create_app
    from app.config import TestConfig
    from app.extensions import db
    from tests.factories import create_staff_user, login

    folder = tempfile.mkdtemp(prefix="involve-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "OUTBOX_DIR": folder + "/outbox"})
    app = create_app(config)
    with app.app_context():
        upgrade()
        build_seconds, membership_count, attendance_count = build(db, None)
        print(
            f"inputs: {MEMBERS} members, {ROSTERS} rosters, {membership_count} memberships, "
            f"{attendance_count} attendance records ({db.engine.dialect.name}); built in {build_seconds:.1f} s"
        )
        user = create_staff_user("engagement")
        client = app.test_client()
        login(client, user)

        from app.rosters import composition, meetings, services

        def forget():
            for name in list(g):
                g.pop(name, None)

        def time_page(path_for):
            samples = []
            for i in range(REQUESTS):
                roster_id = 1 + (i * 7919) % ROSTERS
                forget()
                start = time.perf_counter()
                response = client.get(path_for(roster_id))
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
            return samples

        def time_bare(work):
            samples = []
            for i in range(REQUESTS):
                roster_id = 1 + (i * 7919) % ROSTERS
                start = time.perf_counter()
                work(roster_id)
                samples.append(time.perf_counter() - start)
                db.session.rollback()
            return samples

        def roster_bare(roster_id):
            roster = services.get_roster(roster_id)
            [m.member.email for m in services.current_memberships(roster)]
            composition.composition(roster_id)

        results = {}
        for name, path, bare in (
            ("roster_page", lambda r: f"/staff/rosters/{r}", roster_bare),
            (
                "attendance_page",
                lambda r: f"/staff/meetings/rosters/{r}/attendance",
                lambda r: meetings.attendance_rates(r) and meetings.roster_rate_by_month(r),
            ),
        ):
            time_page(path)  # warm up
            page = p95(time_page(path))
            query = p95(time_bare(bare))
            results[name] = {
                "p95_ms": round(page, 1),
                "bare_query_p95_ms": round(query, 1),
                "ratio": round(page / query, 2) if query else None,
                "goal_ms": GOAL_MS,
                "ok": page < GOAL_MS,
            }
            print(
                f"{name}: p95 {page:.1f} ms (bare queries {query:.1f} ms, ratio {page / query:.2f}); "
                f"goal under {GOAL_MS} ms: {'met' if page < GOAL_MS else 'NOT met'}"
            )
    print(
        json.dumps(
            {
                "benchmark": "rosters",
                "database": url.split(":")[0],
                "members": MEMBERS,
                "rosters": ROSTERS,
                "memberships": membership_count,
                "attendance": attendance_count,
                "requests": REQUESTS,
                **results,
            }
        )
    )


if __name__ == "__main__":
    main()
