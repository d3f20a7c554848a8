"""Settings an administrator can change in the staff pages."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.extensions import db


class SiteSetting(db.Model):
    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(db.String(60), primary_key=True)
    value: Mapped[str] = mapped_column(db.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=now)
