"""The lottery itself, on top of sortition-algorithms (Sortition Foundation, GPL-3.0).

Takes the recorded inputs of a draw (pool rows, quotas, panel size, algorithm, seed) and
returns the panel, a reserve list and, for the fair lottery, each volunteer's chance of
selection. The library runs in a child process (app/panels/lottery.py) with a fixed hash
seed, which is what lets anyone repeat the draw with the library alone (README, "Checking a
panel"), and which can be stopped at the time limit: the library's fair lottery has none.
"""

import json
import os
import queue
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

ALGORITHMS = {
    "maximin": "Fair lottery (maximin): every volunteer gets as equal a chance as the quotas allow; "
    "minutes for a pool of a few hundred, much longer for thousands",
    "legacy": "Instant draw (legacy): seconds even for thousands, but some volunteers may have less chance than others",
}
HOUSEHOLD = "_household"
HOUSEHOLD_COLUMN = "household"
# The fair lottery orders its panels by string hashes: a fixed hash seed makes it repeatable.
PYTHON_HASH_SEED = "0"
TIME_LIMIT_DEFAULT, TIME_LIMIT_MIN, TIME_LIMIT_MAX = 60, 10, 3600
LOTTERY = Path(__file__).with_name("lottery.py")


class DrawRefused(Exception):
    """The draw cannot go ahead; the message says why in plain words, `relax` which quotas to change."""

    def __init__(self, message: str, relax: list[str] | None = None):
        super().__init__(message)
        self.relax = relax or []


class DrawTimedOut(DrawRefused):
    """The lottery did not finish within the time limit."""


def versions() -> dict:
    """What a draw ran on: enough to repeat it on the same versions."""
    return {
        "sortition-algorithms": metadata.version("sortition-algorithms"),
        "highspy": metadata.version("highspy"),
        "python": ".".join(str(n) for n in sys.version_info[:3]),
    }


def household_labels(pool: list[dict]) -> list[str]:
    """One opaque label per household ("h1", "h2", ... in order of first appearance): no address kept.

    People with no address each get a household of their own. The library only asks whether two
    people share a household, so the labels draw exactly as the addresses would.
    """
    labels, seen = [], {}
    for person in pool:
        key = person.get(HOUSEHOLD) or ("\0own", person["id"])
        if key not in seen:
            seen[key] = f"h{len(seen) + 1}"
        labels.append(seen[key])
    return labels


def library_inputs(pool, features, quotas, size: int, algorithm: str, seed: int) -> dict:
    """The library's inputs exactly as a draw uses them: settings, quotas and the pool (ids and values only)."""
    used = [f for f in features if any(q["feature"] == f for q in quotas)]
    check_household = any(p.get(HOUSEHOLD) for p in pool)
    labels = household_labels(pool) if check_household else []
    rows = []
    for i, person in enumerate(pool):
        row = {"id": str(person["id"]), **{f: str(person[f]) for f in used}}
        if check_household:
            row[HOUSEHOLD_COLUMN] = labels[i]
        rows.append(row)
    return {
        "settings": {
            "id_column": "id",
            "columns_to_keep": [],
            "check_same_address": check_household,
            "check_same_address_columns": [HOUSEHOLD_COLUMN] if check_household else [],
            "max_attempts": 100,
            "selection_algorithm": algorithm,
            "solver_backend": "highspy",
            "random_number_seed": seed,
        },
        "panel_size": size,
        "quotas": [{"feature": q["feature"], "value": q["value"], "min": q["min"], "max": q["max"]} for q in quotas],
        "pool": rows,
    }


def _plain(line: str) -> str:
    line = re.sub(
        r" - the minimum is (\d+) but we only have \d+", r": the minimum of \1 is more than the pool has", line
    )
    return line.replace("feature", "characteristic").replace("Feature", "Characteristic")


def relax_words(change: dict) -> str:
    """One suggested change of a quota, in words."""
    what = f"{change['feature']} {change['value']}"
    parts = []
    if change["new_min"] < change["min"]:
        parts.append(f"lower the minimum from {change['min']} to {change['new_min']}")
    if change["new_max"] > change["max"]:
        parts.append(f"raise the maximum from {change['max']} to {change['new_max']}")
    return f"{what}: {' and '.join(parts)}"


def _stage(event: dict, started: float, phase_started: float, limit: int) -> tuple[int, int, str]:
    current, total, phase = event.get("current") or 0, event.get("total"), event.get("phase", "")
    elapsed = time.monotonic() - started
    if phase == "multiplicative_weights":
        text = f"Finding possible panels: round {current:,} of {total:,}"
    elif phase == "maximin_optimization":
        text = f"Balancing everyone's chances: step {current:,}"
    elif phase == "legacy_attempt":
        text = f"Drawing: attempt {current + 1:,} of {total:,}"
    else:
        text = event.get("message") or "Drawing"
    text += f" ({elapsed:.0f} s of at most {limit} s)"
    if total and current:
        needed = (time.monotonic() - phase_started) / current * total
        if needed > limit:
            text += f"; at this pace this stage alone needs about {_duration(needed)}"
    return current, total or 0, text


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    minutes = seconds / 60
    return f"{minutes:.0f} minutes" if minutes < 90 else f"{minutes / 60:.1f} hours"


def _timed_out(limit: int, last: dict | None, phase_started: float, algorithm: str) -> DrawTimedOut:
    said = f"The draw did not finish within the time limit of {_duration(limit)}, so no panel was chosen."
    if last and last.get("total") and last.get("current"):
        needed = (time.monotonic() - phase_started) / last["current"] * last["total"]
        said += (
            f" It had reached round {last['current']:,} of {last['total']:,} of its first stage;"
            f" at that pace the first stage alone needs about {_duration(needed)}."
        )
    advice = [f"Allow more time (up to {_duration(TIME_LIMIT_MAX)}) and draw again."]
    if algorithm == "maximin":
        advice.append(
            "Or choose the instant draw: it takes seconds even for thousands of people, "
            "though some volunteers may have less chance than others."
        )
    advice.append("Or draw from a smaller pool: the fair lottery's time grows quickly with the number of people.")
    return DrawTimedOut(said, advice)


def _run_child(inputs: dict, limit: int, on_progress) -> dict:
    """Run app/panels/lottery.py on the inputs; its last message, or DrawTimedOut at the time limit."""
    env = dict(os.environ, PYTHONHASHSEED=PYTHON_HASH_SEED)
    messages: queue.Queue = queue.Queue()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(  # noqa: S603 - our own interpreter and file
            [sys.executable, "-P", str(LOTTERY)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            text=True,
        )

        def read():
            for line in child.stdout:
                try:
                    messages.put(json.loads(line))
                except ValueError:
                    continue
            messages.put(None)

        threading.Thread(target=read, daemon=True).start()
        started = phase_started = time.monotonic()
        deadline = started + limit
        last_progress, phase = None, None
        try:
            child.stdin.write(json.dumps({"record": inputs, "time_limit": limit}))
            child.stdin.close()
            while True:
                try:
                    message = messages.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise _timed_out(limit, last_progress, phase_started, inputs["settings"]["selection_algorithm"])
                if message is None:
                    child.wait()
                    errors.seek(0)
                    tail = errors.read()[-2000:].decode("utf-8", "replace")
                    raise RuntimeError(f"the lottery stopped (exit {child.returncode}): {tail}")
                if message.get("event") != "progress":
                    return message
                if message.get("phase") != phase:
                    phase, phase_started = message.get("phase"), time.monotonic()
                last_progress = message
                if on_progress:
                    on_progress(*_stage(message, started, phase_started, limit))
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()


def draw(
    pool: list[dict],
    features: list[str],
    quotas: list[dict],
    size: int,
    algorithm: str,
    seed: int,
    progress=None,
    time_limit: int = TIME_LIMIT_DEFAULT,
    reserves: int | None = None,
):
    """Select a panel of `size` from `pool` meeting the quotas within `time_limit` seconds.

    The reserve list holds `reserves` people in the order they are to be asked (None: everyone left).

    Raises DrawRefused (DrawTimedOut at the time limit) with the reason and what to change.
    `progress(done, total, message)` hears how far it has gone.
    """
    if algorithm not in ALGORITHMS:
        raise DrawRefused("Choose the fair lottery or the instant draw.")
    inputs = library_inputs(pool, features, quotas, size, algorithm, seed)
    outcome = _run_child(inputs, time_limit, progress)
    if outcome["event"] == "refused":
        relax = [relax_words(change) for change in outcome.get("relax", [])]
        lines = [_plain(line) for line in outcome.get("lines", []) if line]
        if relax:
            lines = ["The quotas cannot all be met with the people in this pool."]
        elif outcome.get("feasible"):
            lines = [
                "The instant draw could not find a panel in 100 attempts, although the quotas can be met: "
                "try the fair lottery, or widen the quotas."
            ]
        raise DrawRefused("\n".join(lines) or "No panel meets these quotas.", relax)
    panel = outcome["panel"]
    check_household = inputs["settings"]["check_same_address"]
    chosen_households = {p.get(HOUSEHOLD) for p in pool if p["id"] in panel and p.get(HOUSEHOLD)}
    others = sorted(
        (
            p["id"]
            for p in pool
            if p["id"] not in panel and not (p.get(HOUSEHOLD) and p[HOUSEHOLD] in chosen_households)
        ),
        key=str,
    )
    random.Random(seed).shuffle(others)
    return {
        "panel": panel,
        "reserves": others if reserves is None else others[:reserves],
        "probabilities": outcome.get("probabilities", {}),
        "household_check": check_household,
        "seconds": outcome.get("seconds"),
        "versions": versions(),
    }
