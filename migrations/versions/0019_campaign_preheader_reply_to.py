"""A campaign's preheader (the line inboxes show after the subject) and its reply-to address

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 03:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("preheader", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("reply_to", sa.String(length=254), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("reply_to")
        batch.drop_column("preheader")
