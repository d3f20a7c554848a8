"""GP practices and the Primary Care Networks they belong to."""

from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class PCN(db.Model):
    __tablename__ = "pcn"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(10), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))

    practices = relationship("Practice", back_populates="pcn", order_by="Practice.name")


class Practice(db.Model):
    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(db.String(10), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    postcode: Mapped[str] = mapped_column(db.String(10), default="")
    pcn_id: Mapped[int | None] = mapped_column(db.ForeignKey("pcn.id"), index=True)

    pcn = relationship("PCN", back_populates="practices")
