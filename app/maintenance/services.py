"""Daily housekeeping, callable from the CLI, a scheduled job or a test."""

import logging
from datetime import date

from app import clock
from app.extensions import db
from app.members import pending_changes, retention

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

    on = on or clock.today()
    counts = counts_by_reason(due_for_review(30, on))
    log.info("roster review: %s", counts)
    if on.weekday() == 0 and sum(counts.values()):
        _email_review_summary(counts)
    return counts


def _email_review_summary(counts: dict[str, int]) -> None:
    """Counts only, and a link to the review page: no names in an email."""
    from flask import current_app

    from app.auth.models import StaffUser
    from app.auth.permissions import role_can
    from app.mail import send_transactional
    from app.mail.backends import DeliveryError
    from app.rosters.review import REASONS
    from app.settings.services import get_setting

    if get_setting("roster_review_email") != "yes":
        return
    lines = [(REASONS[reason], n) for reason, n in counts.items() if n]
    url = current_app.config["PUBLIC_BASE_URL"] + "/staff/rosters/review"
    staff = db.session.scalars(db.select(StaffUser).where(StaffUser.is_active_account.is_(True))).all()
    for user in staff:
        if not role_can(user.role, "rosters.edit"):
            continue
        try:
            send_transactional(user.email, "Group members to review this week", "roster_review", lines=lines, url=url)
        except DeliveryError:
            log.exception("could not send the roster review summary to staff user %s", user.id)


def delete_waiting_sign_up_choices(on: date | None = None) -> dict[str, int]:
    """Delete second sign-ups' choices that were applied or were never confirmed in time."""
    return {"deleted": pending_changes.delete_expired()}


# name -> (description, function taking the date); run in this order by run_daily().
DAILY_TASKS = {
    "retention": ("Lapse inactive members and erase long-lapsed ones", apply_retention),
    "roster_review": ("List roster memberships that need a look (shown on the review page)", review_roster_memberships),
    "sign_up_choices": (
        "Delete choices from signing up again that were not confirmed in time",
        delete_waiting_sign_up_choices,
    ),
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
