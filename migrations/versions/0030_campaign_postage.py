"""Letters: the postage a campaign's letters go with

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 16:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("postage", sa.String(length=8), nullable=False, server_default="second"))


def downgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("postage")
