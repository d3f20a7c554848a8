"""Scheduled jobs for rosters. Each reloads state from the database, so running twice is harmless."""

import logging

from app.jobs import job

log = logging.getLogger(__name__)


@job("rosters.review_memberships")
def review_memberships(within_days: int = 30) -> dict[str, int]:
    """The daily eligibility check: logs counts (ids only) and returns them for the caller."""
    from app.rosters.review import counts_by_reason, due_for_review

    items = due_for_review(within_days)
    counts = counts_by_reason(items)
    for item in items:
        log.info("roster membership %s needs review: %s", item.membership.id, item.reason)
    log.info("roster review: %s", counts)
    return counts
