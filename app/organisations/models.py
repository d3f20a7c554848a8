"""GP practices, the Primary Care Networks they belong to, and the places (ICB areas) above them."""

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.extensions import db


class Place(db.Model):
    """A place or ICB sub-area that groups PCNs (e.g. Wolverhampton within Black Country ICB)."""

    __tablename__ = "place"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(20), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    icb_name: Mapped[str] = mapped_column(db.String(200), default="")

    pcns = relationship("PCN", back_populates="place", order_by="PCN.name")


class PCN(db.Model):
    __tablename__ = "pcn"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(10), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    place_id: Mapped[int | None] = mapped_column(db.ForeignKey("place.id"), index=True)

    place = relationship("Place", back_populates="pcns")
    practices = relationship("Practice", back_populates="pcn", order_by="Practice.name")


class Practice(db.Model):
    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(db.String(10), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    postcode: Mapped[str] = mapped_column(db.String(10), default="")
    pcn_id: Mapped[int | None] = mapped_column(db.ForeignKey("pcn.id"), index=True)
    # When the practice last changed PCN: memberships of PCN groups older than this need a look.
    pcn_changed_at: Mapped[datetime | None]

    pcn = relationship("PCN", back_populates="practices")


class ListSize(db.Model):
    """Patients registered at a practice by sex and five-year age band (NHS Digital quinary file)."""

    __tablename__ = "practice_list_size"
    __table_args__ = (
        db.UniqueConstraint("practice_id", "sex", "age_band", name="uq_practice_list_size_practice_sex_band"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(db.ForeignKey("practice.id", ondelete="CASCADE"))
    extract_date: Mapped[date | None]
    sex: Mapped[str] = mapped_column(db.String(10))
    age_band: Mapped[str] = mapped_column(db.String(10))
    patients: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=now)
