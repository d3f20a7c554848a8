"""Statistical disclosure control for aggregates that leave the team.

Counts of 1 to SUPPRESS_BELOW - 1 are shown as "*", other counts are rounded to
the nearest ROUND_TO, and any figure derived from a suppressed count (a share, a
ratio, an interval) is suppressed too, so it cannot be worked back.
"""

SUPPRESSED = "*"


def is_suppressed(count: int | None, suppress_below: int = 8) -> bool:
    return count is not None and 0 < count < suppress_below


def suppress_count(count: int | None, suppress_below: int = 8, round_to: int = 5):
    """The count as it may be shown: "*" for small non-zero counts, otherwise rounded."""
    if count is None:
        return None
    if is_suppressed(count, suppress_below):
        return SUPPRESSED
    if round_to and round_to > 1:
        # Round half up, as people expect (Python's round() goes to even).
        return int((count + round_to / 2) // round_to) * round_to
    return count


def suppress_derived(value, count: int | None, suppress_below: int = 8):
    """A figure computed from `count`, hidden when the count is."""
    return SUPPRESSED if is_suppressed(count, suppress_below) else value
