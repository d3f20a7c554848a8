"""Postal addresses of members, for information sent by post in large print, easy read or Braille;
a campaign's easy read version

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 12:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

ADDRESS = (("address_line_1", 100), ("address_line_2", 100), ("address_line_3", 100), ("town", 60))


def upgrade():
    # Not a batch: SQLite would copy the member table, whose computed search keys it cannot copy.
    for name, length in ADDRESS:
        op.add_column("member", sa.Column(name, sa.String(length=length), nullable=False, server_default=""))
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("easy_read", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("easy_read")
    for name, _ in reversed(ADDRESS):
        op.drop_column("member", name)
