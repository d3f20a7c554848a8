"""Exact figures: counts before disclosure control, for staff who may see individuals' records.

A page offers them with ``?exact=1``; they are marked "Exact: not for publication", never go
into a download or the API, and every viewing is recorded in the audit log.
"""

from flask import request

from app.audit import services as audit_log
from app.auth.permissions import can
from app.errors import InvalidRequest
from app.extensions import db

PERMISSION = "equality.view_individual"


def allowed() -> bool:
    """True when whoever is asking may open exact figures (the people who may see individual records)."""
    return can(PERMISSION)


def requested(record_type: str, record_id="", detail: str = "exact figures viewed") -> bool:
    """True when this request asked for exact figures and may have them; the viewing is logged and committed.

    Someone without the permission who asks gets a 403, not the protected figures in disguise.
    """
    if request.args.get("exact") != "1":
        return False
    if not allowed():
        raise InvalidRequest("Exact figures are only for staff who may see individual members' records.", 403)
    audit_log.record("view", record_type, record_id, detail)
    db.session.commit()
    return True
