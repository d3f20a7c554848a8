"""NHS statistical disclosure control for counts shown in aggregates.

Counts of 1 to SUPPRESS_BELOW - 1 are shown as "*", other counts are rounded to
the nearest ROUND_TO, and any figure worked out from a suppressed count (a share,
a total, a difference) is suppressed too, so the hidden count cannot be recovered.
"""

from flask import current_app, has_app_context

SUPPRESSED = "*"


def _settings(below: int | None, round_to: int | None) -> tuple[int, int]:
    if has_app_context():
        below = below if below is not None else current_app.config["SUPPRESS_BELOW"]
        round_to = round_to if round_to is not None else current_app.config["ROUND_TO"]
    return (8 if below is None else below), (5 if round_to is None else round_to)


def rounding() -> int:
    """The ROUND_TO counts are rounded to (1: not rounded)."""
    return _settings(None, None)[1]


def is_small(count: int | None, below: int | None = None) -> bool:
    """True for a count that must be hidden (1 to SUPPRESS_BELOW - 1); None and 0 are not small."""
    below, _ = _settings(below, None)
    return count is not None and 0 < count < below


def suppress(count: int | None, below: int | None = None, round_to: int | None = None) -> int | str | None:
    """A count safe to show: None and 0 stay as they are, small counts become "*", others are rounded."""
    below, round_to = _settings(below, round_to)
    if count is None or count == 0:
        return count
    if 0 < count < below:
        return SUPPRESSED
    if round_to <= 1:
        return count
    # Round half up: Python's round() rounds halves to even, which reads oddly in a report.
    return int((count + round_to / 2) // round_to) * round_to


def derived(value, *counts: int, below: int | None = None):
    """`value` if none of the counts it was worked out from is small, else "*"."""
    if any(is_small(c, below) for c in counts):
        return SUPPRESSED
    return value


def share(count: int, total: int, below: int | None = None, digits: int = 0) -> float | str:
    """count / total as a percentage, suppressed when either count is small."""
    if total == 0:
        return 0
    value = round(100 * count / total, digits) if digits else round(100 * count / total)
    return derived(value, count, total, below=below)


def suppress_table(counts: dict, below: int | None = None, round_to: int | None = None) -> list[dict]:
    """Rows of {category, count, percent} with every figure passed through the rules.

    The total is suppressed when any category is: otherwise it minus the shown figures
    would give back the hidden one.
    """
    total = sum(counts.values())
    any_small = any(is_small(c, below) for c in counts.values())
    rows = []
    for category, count in counts.items():
        # With one share hidden, the others would give it back by subtraction from 100%.
        percent = SUPPRESSED if any_small else share(count, total, below)
        rows.append({"category": category, "count": suppress(count, below, round_to), "percent": percent})
    shown_total = SUPPRESSED if any_small else suppress(total, below, round_to)
    return rows + [{"category": "Total", "count": shown_total, "percent": 100 if total else 0}]
