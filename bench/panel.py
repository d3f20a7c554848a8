"""Benchmark: a fair lottery (maximin, HiGHS) for a panel of 20 from a pool of 300.

The pool has three characteristics (sex, age band, broad ethnic group), some
two-person households, and quotas from population-like shares. Prints the time
of the maximin draw and of an instant (legacy) draw in the same run, and the
lowest and highest selection probability. Goal: maximin under 60 s. Last line: JSON.
"""

import json
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

POOL, PANEL, SEED = 300, 20, 2026
SHARES = {
    "sex": {"Female": 0.51, "Male": 0.49},
    "age_band": {"16 to 34": 0.3, "35 to 54": 0.33, "55 to 74": 0.27, "75 and over": 0.1},
    "ethnic_group": {"White": 0.6, "Asian": 0.21, "Black, Mixed or Other": 0.19},
}


def main():
    from app.panels.selection import HOUSEHOLD, draw

    rng = random.Random(SEED)
    # Volunteers do not match the population: older and whiter, as pools usually are.
    skew = {"age_band": [0.15, 0.3, 0.35, 0.2], "ethnic_group": [0.75, 0.15, 0.1], "sex": [0.55, 0.45]}
    pool = []
    for i in range(POOL):
        person = {"id": f"v{i}", HOUSEHOLD: f"house {i // 2}" if i < 60 else ""}
        for feature, shares in SHARES.items():
            person[feature] = rng.choices(list(shares), weights=skew[feature])[0]
        pool.append(person)
    quotas = [
        {"feature": f, "value": v, "min": math.floor(PANEL * q), "max": math.ceil(PANEL * q)}
        for f, shares in SHARES.items()
        for v, q in shares.items()
    ]
    features = list(SHARES)
    started = time.perf_counter()
    fair = draw(pool, features, quotas, PANEL, "maximin", SEED)
    maximin_seconds = time.perf_counter() - started
    started = time.perf_counter()
    draw(pool, features, quotas, PANEL, "legacy", SEED)
    legacy_seconds = time.perf_counter() - started
    chances = fair["probabilities"].values()
    print(f"pool {POOL}, panel {PANEL}, characteristics {len(features)}, households of two: 30")
    print(f"maximin (HiGHS): {maximin_seconds:.1f} s; legacy: {legacy_seconds:.2f} s")
    print(
        f"selection probability: lowest {min(chances):.4f}, highest {max(chances):.4f} (equal share {PANEL / POOL:.4f})"
    )
    print(f"goal: maximin under 60 s -> {'met' if maximin_seconds < 60 else 'NOT met'}")
    print(
        json.dumps(
            {
                "bench": "panel",
                "pool": POOL,
                "panel": PANEL,
                "maximin_seconds": round(maximin_seconds, 2),
                "legacy_seconds": round(legacy_seconds, 3),
                "ratio_maximin_to_legacy": round(maximin_seconds / legacy_seconds, 1),
                "min_probability": round(min(chances), 4),
                "max_probability": round(max(chances), 4),
                "goal_seconds": 60,
                "met": maximin_seconds < 60,
            }
        )
    )


if __name__ == "__main__":
    main()
