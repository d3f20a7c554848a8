"""Bulletin batches find their rows by id range and claim token together: the index of claim tokens only slowed every claim

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 08:10:00.000000

"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_delivery_claim_token", table_name="delivery")


def downgrade():
    op.create_index("ix_delivery_claim_token", "delivery", ["claim_token"], unique=False)
