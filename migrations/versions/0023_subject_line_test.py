"""Subject line tests: a campaign's second subject and how the winner is picked, and each delivery's subject

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("subject_b", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("test_percent", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("test_metric", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("test_wait_hours", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("test_decide_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("test_winner", sa.String(length=1), nullable=True))
        batch.add_column(sa.Column("test_decided_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("variant", sa.String(length=1), nullable=True))


def downgrade():
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("variant")
    with op.batch_alter_table("campaign") as batch:
        for column in ("test_decided_at", "test_winner", "test_decide_at", "test_wait_hours", "test_metric"):
            batch.drop_column(column)
        batch.drop_column("test_percent")
        batch.drop_column("subject_b")
