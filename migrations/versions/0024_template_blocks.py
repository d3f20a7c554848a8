"""A bulletin template's content may be blocks, like a campaign's

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 12:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bulletin_template") as batch:
        batch.add_column(sa.Column("editor", sa.String(length=10), nullable=False, server_default="markdown"))
        batch.add_column(sa.Column("blocks", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("bulletin_template") as batch:
        batch.drop_column("blocks")
        batch.drop_column("editor")
