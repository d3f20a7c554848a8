"""Writes the API layer makes on its own behalf."""

from app.audit import services as audit
from app.transactions import transactional


@transactional
def record_access(action: str, record_type: str, record_id="", detail: str = "") -> None:
    """One audit entry for what an API client read or exported, attributed to its token."""
    audit.record(action, record_type, record_id, detail)
