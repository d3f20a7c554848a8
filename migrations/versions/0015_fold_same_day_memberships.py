"""Membership rows that a renewal or role change replaced on the day they started give way to their successor

Until now such a change ended the row on its first day and started another on the same day, so
the person was in the group twice that day (in exports, history and "who was in the group on"
answers). The service now changes the row in place instead. This removes the one-day rows it would
no longer write, only where a later row of the same person in the same group starts on that same
day, and notes each removal in the audit log. Other overlaps (a same-day resignation followed by
a new membership from that day) were typed by staff and are left for them to judge.
Downgrading keeps the data as it is.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 08:11:12.410874

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

REPLACED_ON_THEIR_FIRST_DAY = sa.text(
    """
    SELECT replaced.id, replaced.role, replaced.term_ends_on, MIN(successor.id)
    FROM roster_membership AS replaced
    JOIN roster_membership AS successor
      ON successor.roster_id = replaced.roster_id
     AND successor.member_id = replaced.member_id
     AND successor.starts_on = replaced.starts_on
     AND successor.id > replaced.id
    WHERE replaced.status = 'ended'
      AND replaced.end_reason IN ('renewed', 'role_changed')
      AND replaced.ends_on = replaced.starts_on
    GROUP BY replaced.id, replaced.role, replaced.term_ends_on
    ORDER BY replaced.id
    """
)

membership = sa.table("roster_membership", sa.column("id", sa.Integer))
audit_log_entry = sa.table(
    "audit_log_entry",
    sa.column("at", sa.DateTime),
    sa.column("action", sa.String),
    sa.column("record_type", sa.String),
    sa.column("record_id", sa.String),
    sa.column("detail", sa.String),
)


def fold_same_day_rows(connection) -> int:
    """Remove rows replaced on the day they started, with an audit entry for each; returns how many."""
    rows = connection.execute(REPLACED_ON_THEIR_FIRST_DAY).all()
    at = datetime.now(UTC).replace(tzinfo=None)
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        connection.execute(
            audit_log_entry.insert(),
            [
                {
                    "at": at,
                    "action": "change",
                    "record_type": "roster_membership",
                    "record_id": str(row_id),
                    "detail": (
                        f"removed by upgrade: replaced on the day it started by membership {successor_id} "
                        f"(was {role}, term end {term_ends_on or 'none'})"
                    ),
                }
                for row_id, role, term_ends_on, successor_id in chunk
            ],
        )
        connection.execute(membership.delete().where(membership.c.id.in_([row[0] for row in chunk])))
    return len(rows)


def upgrade():
    fold_same_day_rows(op.get_bind())


def downgrade():
    pass
