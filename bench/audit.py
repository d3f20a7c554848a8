"""Benchmark: the full protected representativeness audit of 100,000 members.

Builds a SQLite database with 100,000 active members (dates of birth and
equality answers drawn at random), then times services.run_audit (reading the
database, cell key perturbation and the rest of disclosure control, mapping, statistics
from the protected counts, summary, targets) against a bare pandas read of
the same rows and a groupby count of the same 7 columns, in the same run.
Goal: the audit under 1 s. Last line: JSON.
"""

import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
ON = date(2026, 6, 1)


def main():
    import pandas as pd
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from app import create_app
    from app.config import TestConfig
    from app.extensions import db
    from app.members import equality
    from app.members.models import EqualityAnswers, Member
    from app.representation import baselines, services

    folder = tempfile.mkdtemp(prefix="involve-bench-")
    config = type(
        "BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "OUTBOX_DIR": folder}
    )
    app = create_app(config)
    rng = random.Random(1)
    with app.app_context():
        upgrade()
        baselines.load_census_baselines(["E08000031"])
        baselines.save_served_area(["E08000031"])

        def pick(field):
            codes = [c for c, _ in equality.choices(field)]
            return rng.choice(codes + [None])

        members, answers = [], []
        created = datetime(2024, 1, 1)
        for i in range(1, MEMBERS + 1):
            born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 78))
            members.append(
                {
                    "id": i,
                    "email": f"m{i}@example.org",
                    "email_normalised": f"m{i}@example.org",
                    "status": "active",
                    "date_of_birth": born if rng.random() > 0.05 else None,
                    "age_band": None,
                    "created_at": created,
                    "status_changed_at": created,
                    "last_activity_at": created,
                    "communication_needs": [],
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
        for start in range(0, len(members), 10000):
            db.session.execute(insert(Member), members[start : start + 10000])
        for start in range(0, len(answers), 10000):
            db.session.execute(insert(EqualityAnswers), answers[start : start + 10000])
        db.session.commit()

        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx('services.run_audit("active", on=ON)', globals(), locals(), sort="cumtime")
        audit_times = []
        for _ in range(3):
            started = time.perf_counter()
            results = services.run_audit("active", on=ON)
            audit_times.append(time.perf_counter() - started)

        columns = [
            "date_of_birth",
            "sex",
            "ethnic_group",
            "ethnic_background",
            "religion",
            "disability",
            "sexual_orientation",
        ]
        query = (
            "SELECT m.date_of_birth, m.age_band, e.sex, e.ethnic_group, e.ethnic_background, e.religion, "
            "e.disability, e.sexual_orientation FROM member m LEFT JOIN equality_answers e ON e.member_id = m.id "
            "WHERE m.status = 'active'"
        )
        pandas_times = []
        for _ in range(3):
            started = time.perf_counter()
            frame = pd.read_sql_query(query, db.engine)
            counts = {c: frame.groupby(c, dropna=False).size() for c in columns}
            pandas_times.append(time.perf_counter() - started)
        assert abs(results["people"] - MEMBERS) <= 5 and len(counts) == 7
        compared = sum(1 for c in results["characteristics"] if c["status"] == "ok")

    audit_best, pandas_best = min(audit_times), min(pandas_times)
    print(f"members: {MEMBERS}, characteristics compared: {compared} (+ those without a baseline or data, explained)")
    print(f"full protected audit (read, perturb, suppress, statistics, summary, targets): best {audit_best:.3f} s of 3")
    print(f"bare pandas read_sql + groupby of the same 7 columns:             best {pandas_best:.3f} s of 3")
    print(
        f"ratio audit / pandas: {audit_best / pandas_best:.2f}; goal: audit under 1 s -> {'met' if audit_best < 1 else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "bench": "audit",
                "members": MEMBERS,
                "characteristics": compared,
                "audit_seconds": round(audit_best, 4),
                "pandas_groupby_seconds": round(pandas_best, 4),
                "ratio_to_pandas": round(audit_best / pandas_best, 3),
                "goal_seconds": 1.0,
                "met": audit_best < 1.0,
            }
        )
    )


if __name__ == "__main__":
    main()
