"""The lottery as a program of its own: the recorded inputs in, the panel out (sortition-algorithms only).

Run by app.panels.selection in a child Python with PYTHONHASHSEED=0, which is what makes a draw
repeatable: the fair lottery keeps its panels in sets, and Python orders a set of strings by
their hashes, which change from one process to the next unless the hash seed is fixed. The
draw calls the library's public entry point, run_stratification, with the recorded settings,
exactly as the recipe in README ("Checking a panel") does, so the recipe gives the same panel.

Reads {"record": ..., "time_limit": seconds} as JSON on stdin. Writes JSON lines on the file
descriptor it was given stdout as: {"event": "progress", ...} while it runs, then one
{"event": "done", ...} or {"event": "refused", ...}. The library and its solver print to
stdout, so stdout itself is pointed at stderr. This file imports nothing from the app.
"""

import json
import os
import sys
import threading
import time


class _Reporter:
    """The library's progress events as JSON lines, at most a few a second."""

    def __init__(self, send):
        self._send = send
        self._phase, self._total, self._last = "", None, 0.0

    def start_phase(self, name, total=None, *, message=None):
        self._phase, self._total = name, total
        self._send({"event": "progress", "phase": name, "current": 0, "total": total, "message": message or ""})

    def update(self, current, *, message=None):
        if time.monotonic() - self._last < 0.25:
            return
        self._last = time.monotonic()
        self._send(
            {
                "event": "progress",
                "phase": self._phase,
                "current": current,
                "total": self._total,
                "message": message or "",
            }
        )

    def end_phase(self):
        pass


def _probabilities(report) -> dict[str, float]:
    # The fair lottery's report carries a table of every volunteer's chance ("12.3456%").
    for element in report.serialize().get("_data", []):
        headers = element.get("headers") if isinstance(element, dict) else None
        if headers and headers[:2] == ["Agent ID", "Probability of selection"]:
            return {str(row[0]): round(float(str(row[1]).rstrip("%")) / 100, 6) for row in element["data"]}
    return {}


def _relaxed(error, quotas) -> list[dict]:
    """The quotas the library suggests changing, from the FeatureCollection it found feasible."""
    features = getattr(error, "features", None)
    if not features:
        return []
    changes = []
    for quota in quotas:
        suggested = features.get(quota["feature"], {}).get(quota["value"])
        if suggested is None:
            continue
        if (suggested.min, suggested.max) != (quota["min"], quota["max"]):
            changes.append({**quota, "new_min": suggested.min, "new_max": suggested.max})
    return changes


def _lines(error) -> list[str]:
    lines = getattr(error, "all_lines", None)
    return [str(line) for line in lines] if lines else [str(error)]


def run(record: dict, send) -> None:
    from sortition_algorithms import Settings, read_in_features, read_in_people, run_stratification
    from sortition_algorithms.errors import SortitionBaseError

    settings = Settings(**record["settings"])
    size = record["panel_size"]
    started = time.monotonic()
    try:
        features, _, _ = read_in_features(["feature", "value", "min", "max"], record["quotas"], number_to_select=size)
        people, _ = read_in_people(list(record["pool"][0]), record["pool"], features, settings)
    except SortitionBaseError as error:
        send({"event": "refused", "lines": _lines(error), "relax": []})
        return
    ok, panels, report = run_stratification(features, people, size, settings, progress_reporter=_Reporter(send))
    seconds = round(time.monotonic() - started, 2)
    if ok:
        send({"event": "done", "panel": sorted(panels[0]), "probabilities": _probabilities(report), "seconds": seconds})
        return
    error = report.last_error()
    relax = _relaxed(error, record["quotas"])
    feasible = None
    if not relax and settings.selection_algorithm == "legacy":
        # The instant draw gives up without saying why; the library's quick test finds what to relax.
        tested, _, test_report = run_stratification(features, people, size, settings, test_selection=True)
        feasible = tested
        relax = [] if tested else _relaxed(test_report.last_error(), record["quotas"])
    send(
        {
            "event": "refused",
            "lines": _lines(error) if error else [],
            "relax": relax,
            "feasible": feasible,
            "seconds": seconds,
        }
    )


def _watch(parent: int, limit: float) -> None:
    # Stop when the app stops waiting (its process is gone) or well past the time limit.
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    os._exit(3)


def main() -> None:
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    lock = threading.Lock()

    def send(message: dict) -> None:
        with lock:
            channel.write(json.dumps(message) + "\n")
            channel.flush()

    job = json.load(sys.stdin)
    threading.Thread(target=_watch, args=(os.getppid(), float(job["time_limit"]) + 30), daemon=True).start()
    run(job["record"], send)


if __name__ == "__main__":
    main()
