"""Members per GP practice, for the practice pages."""

from sqlalchemy import func

from app.extensions import db
from app.members.models import Member


def member_counts_by_practice() -> dict[int, int]:
    """Members of the network (not erased) per practice id, in one query."""
    query = (
        db.select(Member.practice_id, func.count())
        .where(Member.practice_id.is_not(None), Member.status != "erased")
        .group_by(Member.practice_id)
    )
    return dict(db.session.execute(query).all())
