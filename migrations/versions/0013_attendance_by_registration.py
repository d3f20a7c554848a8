"""Attendance can be recorded against an event registration for someone who is not a member

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 04:30:39.792522

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registration_id", sa.Integer(), nullable=True))
        batch_op.alter_column("member_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint("uq_attendance_meeting_registration", ["meeting_id", "registration_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_attendance_registration_id_event_registration"),
            "event_registration",
            ["registration_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "member_or_registration", "member_id IS NOT NULL OR registration_id IS NOT NULL"
        )


def downgrade():
    op.execute("DELETE FROM attendance WHERE member_id IS NULL")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_attendance_member_or_registration"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_attendance_registration_id_event_registration"), type_="foreignkey")
        batch_op.drop_constraint("uq_attendance_meeting_registration", type_="unique")
        batch_op.alter_column("member_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("registration_id")
