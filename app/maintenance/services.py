"""Daily housekeeping, callable from the CLI, a scheduled job or a test."""

import logging
from datetime import date

from app import clock
from app.extensions import db
from app.members import retention

log = logging.getLogger(__name__)


def retention_report(on: date | None = None) -> dict[str, int]:
    """How many members the retention policy would lapse and erase on `on`; changes nothing."""
    due = retention.retention_due(on or clock.today())
    return {"lapsed": len(due["lapse"]), "erased": len(due["erase"])}


def apply_retention(on: date | None = None) -> dict[str, int]:
    """Lapse and erase as the retention settings say; each member is its own transaction."""
    result = retention.apply_retention(on or clock.today())
    log.info("retention: %(lapsed)d lapsed, %(erased)d erased", result)
    return result


def review_roster_memberships(on: date | None = None) -> dict[str, int]:
    """Count memberships due for renewal, aged out, moved PCN, left the practice or lapsed; changes nothing."""
    from app.rosters.review import counts_by_reason, due_for_review

    counts = counts_by_reason(due_for_review(30, on or clock.today()))
    log.info("roster review: %s", counts)
    return counts


# name -> (description, function taking the date); run in this order by run_daily().
DAILY_TASKS = {
    "retention": ("Lapse inactive members and erase long-lapsed ones", apply_retention),
    "roster_review": ("List roster memberships that need a look (shown on the review page)", review_roster_memberships),
}


def run_daily(on: date | None = None) -> dict[str, dict]:
    """Run every daily task once; one failing task does not stop the others."""
    on = on or clock.today()
    results: dict[str, dict] = {}
    for name, (_, task) in DAILY_TASKS.items():
        try:
            results[name] = task(on)
        except Exception:  # noqa: BLE001 (one broken task must not stop the rest)
            db.session.rollback()
            log.exception("daily task %s failed", name)
            results[name] = {"error": 1}
    return results
