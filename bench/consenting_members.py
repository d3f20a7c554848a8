"""Shared by the bulletin benchmarks: many active members with bulletin consent, bulk-inserted."""

from sqlalchemy import insert, select

from app.extensions import db
from app.members.models import Consent, Member


def insert_consenting_members(n: int, at, numbered_names: bool = False) -> list[int]:
    """`n` active members, each with a live bulletin consent; returns their ids."""
    db.session.execute(
        insert(Member),
        [
            {
                "email": f"person{i}@example.org",
                "email_normalised": f"person{i}@example.org",
                "first_name": f"Alex{i}" if numbered_names else "Alex",
                "status": "active",
                "created_at": at,
                "status_changed_at": at,
                "last_activity_at": at,
                "communication_needs": [],
            }
            for i in range(n)
        ],
    )
    ids = db.session.scalars(select(Member.id)).all()
    db.session.execute(
        insert(Consent),
        [
            {
                "member_id": i,
                "purpose": "bulletin",
                "method": "import",
                "wording": "w",
                "wording_version": "1",
                "given_at": at,
            }
            for i in ids
        ],
    )
    db.session.commit()
    return ids
