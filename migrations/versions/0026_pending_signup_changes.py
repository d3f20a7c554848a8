"""Topics and equality answers of a second sign-up with a known address, kept until it is confirmed

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 13:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_signup_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("equality_answers", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_pending_signup_change_member_id", "pending_signup_change", ["member_id"])


def downgrade():
    op.drop_index("ix_pending_signup_change_member_id", table_name="pending_signup_change")
    op.drop_table("pending_signup_change")
