"""An uploaded members file on its way from preview to import."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.extensions import db


class ImportBatch(db.Model):
    """One upload: its stored file (random name, never shown), column mapping, choices and report.

    status: uploaded -> checking -> checked -> importing -> imported | refused | failed;
    expired or discarded when the file is deleted without importing.
    """

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    staff_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))
    stored_name: Mapped[str] = mapped_column(db.String(64), default="")
    file_kind: Mapped[str] = mapped_column(db.String(8))
    row_estimate: Mapped[int] = mapped_column(default=0)
    headers: Mapped[list] = mapped_column(db.JSON, default=list)
    mapping: Mapped[dict] = mapped_column(db.JSON, default=dict)
    options: Mapped[dict] = mapped_column(db.JSON, default=dict)
    status: Mapped[str] = mapped_column(db.String(20), default="uploaded", index=True)
    report: Mapped[dict | None] = mapped_column(db.JSON)
    message: Mapped[str] = mapped_column(db.String(500), default="")
    job_id: Mapped[str | None] = mapped_column(db.String(64))
    finished_at: Mapped[datetime | None]
