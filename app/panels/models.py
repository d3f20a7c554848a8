"""A panel draw: the pool, quotas, algorithm and seed that went in, and the panel that came out."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.extensions import db


class PanelDraw(db.Model):
    __tablename__ = "panel_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))
    # queued -> running -> done | infeasible | timed_out | failed
    status: Mapped[str] = mapped_column(db.String(20), default="queued")
    algorithm: Mapped[str] = mapped_column(db.String(20))
    seed: Mapped[int]
    panel_size: Mapped[int]
    pool_source: Mapped[str] = mapped_column(db.String(20))
    # The pool (ids and feature values, plus household keys), quotas and settings: enough to redo the draw.
    inputs: Mapped[dict] = mapped_column(db.JSON)
    result: Mapped[dict | None] = mapped_column(db.JSON)
    message: Mapped[str] = mapped_column(db.Text, default="")
    job_id: Mapped[str] = mapped_column(db.String(60), default="")
    finished_at: Mapped[datetime | None]
