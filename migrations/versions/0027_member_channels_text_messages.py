"""Channels: a member's UK mobile number, preferred channel and failed-number mark; a campaign's text message; each delivery's channel

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 12:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("member", sa.Column("mobile", sa.String(length=13), nullable=False, server_default=""))
    op.add_column("member", sa.Column("preferred_channel", sa.String(length=5), nullable=False, server_default="email"))
    op.add_column("member", sa.Column("mobile_failed_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("sms_text", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=5), nullable=False, server_default="email"))


def downgrade():
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("channel")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("sms_text")
    # Plain ALTER TABLE: rebuilding the member table would trip over its computed search keys on SQLite.
    for column in ("mobile_failed_at", "preferred_channel", "mobile"):
        op.drop_column("member", column)
