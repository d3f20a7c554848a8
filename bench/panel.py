"""Benchmark: a panel of 30 from a pool of about 1,600 like the demo network, through the app's job.

Builds a SQLite database with Wolverhampton's Census baselines, a pool of 1,600 people from
the demo network's generator (sex, age band and broad ethnic group; one in ten lives with one
other volunteer), and quotas from the population as the app makes them. Then, in the same run:

- the bare library call: sortition-algorithms' run_stratification, instant draw (legacy), in
  this process, on exactly the inputs the app records;
- the same instant draw through the app's job (services.run_draw: the child process with a
  fixed hash seed, the time limit, progress, the reserve list, saving the result);
- the fair lottery (maximin) through the app's job with a time limit (BENCH_MAXIMIN_SECONDS,
  60 by default): it is expected to stop at the limit for a pool this size and say how far it
  got; the goal is that it does so on time, with a clear outcome.

Judged by: the job's instant draw against the bare call (ratio), and the fair lottery
stopping within 5 s of its limit. Last line: JSON.
"""

import json
import os
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

POOL = int(os.environ.get("BENCH_POOL", "1600"))
PANEL, SEED = 30, 2026
MAXIMIN_SECONDS = int(os.environ.get("BENCH_MAXIMIN_SECONDS", "60"))
FEATURES = ["sex", "age_band", "broad_ethnic_group"]


def build_pool() -> list[dict]:
    """Active demo members with a known sex and ethnic group, as an uploaded pool would have them."""
    from app.demo import people
    from app.members import equality
    from app.panels.selection import HOUSEHOLD
    from app.representation import mapping

    rng = random.Random(SEED)
    pool = []
    for person in people.generate(POOL * 2, practices=20, now=datetime(2026, 6, 1), seed=31):
        answers = person.equality or {}
        sex = equality.census_category("sex", answers.get("sex"))
        group = equality.census_category("ethnic_group", answers.get("ethnic_group"))
        if person.status != "active" or sex is None or group is None:
            continue
        pool.append(
            {
                "id": f"v{len(pool) + 1}",
                "sex": sex,
                "age_band": mapping.coarse_band_for_age(person.age),
                "broad_ethnic_group": group,
                HOUSEHOLD: "",
            }
        )
        if len(pool) == POOL:
            break
    for first in rng.sample(range(0, len(pool) - 1, 2), len(pool) // 20):
        pool[first][HOUSEHOLD] = pool[first + 1][HOUSEHOLD] = f"flat {first}"
    return pool


def bare_library(inputs: dict) -> tuple[float, list[str]]:
    from sortition_algorithms import Settings, read_in_features, read_in_people, run_stratification

    started = time.perf_counter()
    settings = Settings(**inputs["settings"])
    features, _, _ = read_in_features(["feature", "value", "min", "max"], inputs["quotas"], number_to_select=PANEL)
    people, _ = read_in_people(list(inputs["pool"][0]), inputs["pool"], features, settings)
    ok, panels, report = run_stratification(features, people, PANEL, settings)
    seconds = time.perf_counter() - started
    assert ok, report.as_text()
    return seconds, sorted(panels[0])


def through_the_job(pool, quotas, algorithm: str, limit: int):
    from app.panels import services

    record = services.create_draw(
        f"Bench {algorithm}", pool, FEATURES, quotas, PANEL, algorithm, SEED, "csv", None, limit
    )
    started = time.perf_counter()
    services.run_draw(record.id)
    seconds = time.perf_counter() - started
    done = services.get_draw(record.id)
    return seconds, {"status": done.status, "message": done.message, "result": done.result or {}}


def main():
    from flask_migrate import upgrade

    from app import create_app
    from app.config import TestConfig
    from app.panels import selection, services
    from app.representation import baselines

    folder = tempfile.mkdtemp(prefix="involve-bench-")
    config = type(
        "BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "OUTBOX_DIR": folder}
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
        baselines.load_census_baselines(["E08000031"])
        baselines.save_served_area(["E08000031"])
        pool = build_pool()
        quotas = services.quotas_from_baseline(FEATURES, pool, PANEL)
        inputs = selection.library_inputs(pool, FEATURES, quotas, PANEL, "legacy", SEED)
        households = sum(1 for p in pool if p[selection.HOUSEHOLD]) // 2

        bare_seconds, bare_panel = bare_library(inputs)
        legacy_seconds, legacy = through_the_job(pool, quotas, "legacy", 60)
        maximin_seconds, maximin = through_the_job(pool, quotas, "maximin", MAXIMIN_SECONDS)

    assert legacy["status"] == "done", legacy["message"]
    same = legacy["result"]["panel"] == bare_panel
    on_time = maximin_seconds <= MAXIMIN_SECONDS + 5
    ratio = legacy_seconds / bare_seconds
    print(
        f"pool {len(pool)} (demo network, active, sex and ethnic group known), panel {PANEL}, "
        f"characteristics {len(FEATURES)}, quotas {len(quotas)}, households of two: {households}"
    )
    print(f"instant draw, bare run_stratification in this process: {bare_seconds:.2f} s")
    print(
        f"instant draw through the app's job (child process, hash seed, reserves, saved): {legacy_seconds:.2f} s; "
        f"same panel as the bare call: {same}"
    )
    print(f"ratio job / bare: {ratio:.1f}")
    print(
        f"fair lottery through the app's job, time limit {MAXIMIN_SECONDS} s: {maximin_seconds:.1f} s -> {maximin['status']}"
    )
    if maximin["message"]:
        print(f"  {maximin['message']}")
    for advice in maximin["result"].get("relax", []):
        print(f"  - {advice}")
    if maximin["status"] == "done":
        chances = maximin["result"]["probabilities"].values()
        print(f"  selection probability: lowest {min(chances):.4f}, highest {max(chances):.4f}")
    print(
        f"goal: the fair lottery ends, with its outcome, within 5 s of its limit -> {'met' if on_time else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "bench": "panel",
                "pool": len(pool),
                "panel": PANEL,
                "bare_legacy_seconds": round(bare_seconds, 3),
                "job_legacy_seconds": round(legacy_seconds, 3),
                "ratio_job_to_bare": round(ratio, 1),
                "same_panel": same,
                "maximin_time_limit": MAXIMIN_SECONDS,
                "maximin_seconds": round(maximin_seconds, 2),
                "maximin_status": maximin["status"],
                "met": on_time and same,
            }
        )
    )


if __name__ == "__main__":
    main()
