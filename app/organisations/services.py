"""Looking up practices and PCNs."""

from app.extensions import db
from app.organisations.models import PCN, Practice


def all_practices() -> list[Practice]:
    return list(db.session.scalars(db.select(Practice).order_by(Practice.name)))


def all_pcns() -> list[PCN]:
    return list(db.session.scalars(db.select(PCN).order_by(PCN.name)))


def practice_by_code(code: str) -> Practice | None:
    return db.session.scalar(db.select(Practice).where(Practice.ods_code == code.strip().upper()))


def practice_ids_by_code() -> dict[str, int]:
    return dict(db.session.execute(db.select(Practice.ods_code, Practice.id)).all())
