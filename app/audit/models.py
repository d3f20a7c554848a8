"""Who viewed, exported, changed or erased personal data, and when."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.extensions import db


class AuditLogEntry(db.Model):
    __tablename__ = "audit_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    staff_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))
    api_token_id: Mapped[int | None] = mapped_column(db.ForeignKey("api_token.id"))
    action: Mapped[str] = mapped_column(db.String(40), index=True)
    record_type: Mapped[str] = mapped_column(db.String(40), default="")
    record_id: Mapped[str] = mapped_column(db.String(40), default="")
    # Ids and counts only: never names, email addresses or equality answers.
    detail: Mapped[str] = mapped_column(db.String(500), default="")

    staff_user = db.relationship("StaffUser")
    api_token = db.relationship("ApiToken")
