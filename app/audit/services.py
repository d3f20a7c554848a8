"""Writing and reading the audit log."""

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.audit.models import AuditLogEntry
from app.extensions import db

ACTIONS = {
    "view",
    "export",
    "create",
    "change",
    "delete",
    "erase",
    "import",
    "unsubscribe",
    "login",
    "login_failed",
    "logout",
    "locked",
    "settings",
    "token_create",
    "token_revoke",
    "user_create",
    "user_change",
    "two_factor",
    "advice_change",
    "advice_reset",
    "translate",
}


def record(action: str, record_type: str = "", record_id="", detail: str = "") -> AuditLogEntry:
    """Add an audit entry to the current transaction, attributed to whoever is acting."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditLogEntry(action=action, record_type=record_type, record_id=str(record_id), detail=detail[:500])
    if has_request_context():
        token = g.get("api_token")
        if token is not None:
            entry.api_token_id = token.id
        elif current_user and current_user.is_authenticated:
            entry.staff_user_id = current_user.id
    db.session.add(entry)
    return entry


def entries(page: int = 1, per_page: int = 50, action: str | None = None):
    """A page of entries, newest first, with who acted loaded in the same query."""
    query = (
        db.select(AuditLogEntry)
        .options(joinedload(AuditLogEntry.staff_user), joinedload(AuditLogEntry.api_token))
        .order_by(AuditLogEntry.id.desc())
    )
    if action:
        query = query.where(AuditLogEntry.action == action)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
