"""Population baselines, the area an organisation serves, and frozen audits."""

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.extensions import db


class Baseline(db.Model):
    """One population count: area + characteristic + category, with the characteristic's base."""

    __tablename__ = "baseline"
    __table_args__ = (
        db.UniqueConstraint("source", "area_code", "characteristic", "category", name="uq_baseline_cell"),
        db.Index("ix_baseline_area_characteristic", "area_code", "characteristic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "census2021" for the shipped tables, "custom" for an uploaded baseline.
    source: Mapped[str] = mapped_column(db.String(20))
    area_code: Mapped[str] = mapped_column(db.String(40))
    area_name: Mapped[str] = mapped_column(db.String(200))
    characteristic: Mapped[str] = mapped_column(db.String(40))
    category: Mapped[str] = mapped_column(db.String(120))
    position: Mapped[int] = mapped_column(default=0)
    count: Mapped[int]
    base: Mapped[int]
    source_table: Mapped[str] = mapped_column(db.String(20), default="")


class ServedArea(db.Model):
    """The area the organisation serves: a set of local authorities, or a custom baseline."""

    __tablename__ = "served_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(db.String(200), default="")
    area_codes: Mapped[list] = mapped_column(db.JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class Audit(db.Model):
    """A dated, immutable snapshot of a representativeness audit: what went in and what came out."""

    __tablename__ = "representation_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200))
    audit_date: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))
    population_kind: Mapped[str] = mapped_column(db.String(40))
    inputs: Mapped[dict] = mapped_column(db.JSON)
    results: Mapped[dict] = mapped_column(db.JSON)


class PostcodeArea(db.Model):
    """A postcode's 2021 LSOA and its IMD 2025 decile, from an ONS Postcode Directory extract an admin loads."""

    __tablename__ = "postcode_area"

    # Upper case without the space, as Member.search_postcode holds it.
    postcode: Mapped[str] = mapped_column(db.String(8), primary_key=True)
    lsoa_code: Mapped[str] = mapped_column(db.String(9))
    imd_decile: Mapped[int] = mapped_column(index=True)
    loaded_at: Mapped[datetime] = mapped_column(default=now)


class OutreachAdvice(db.Model):
    """Where to look for more people of one group (a characteristic's category), as an administrator worded it.

    Category "" holds the advice for any group of the characteristic that has no row of its own.
    """

    __tablename__ = "outreach_advice"
    __table_args__ = (db.UniqueConstraint("characteristic", "category", name="uq_outreach_advice_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    characteristic: Mapped[str] = mapped_column(db.String(40))
    category: Mapped[str] = mapped_column(db.String(120), default="")
    advice: Mapped[str] = mapped_column(db.String(500))
    changed_at: Mapped[datetime | None] = mapped_column(default=None)
    changed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"), default=None)
