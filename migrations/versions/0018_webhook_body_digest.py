"""A webhook body SendGrid sends again is stored once: each batch keeps the SHA-256 of its signed body

Batches received before this have none; only new bodies are compared.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 04:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("webhook_batch") as batch:
        batch.add_column(sa.Column("body_sha256", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(batch.f("uq_webhook_batch_body_sha256"), ["body_sha256"])


def downgrade():
    with op.batch_alter_table("webhook_batch") as batch:
        batch.drop_constraint(batch.f("uq_webhook_batch_body_sha256"), type_="unique")
        batch.drop_column("body_sha256")
