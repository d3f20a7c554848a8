"""Postcode lookup for deprivation: postcode -> 2021 LSOA -> IMD 2025 decile, loaded by an admin.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "postcode_area",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("lsoa_code", sa.String(length=9), nullable=False),
        sa.Column("imd_decile", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcode_area")),
    )
    with op.batch_alter_table("postcode_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postcode_area_imd_decile"), ["imd_decile"], unique=False)


def downgrade():
    with op.batch_alter_table("postcode_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postcode_area_imd_decile"))

    op.drop_table("postcode_area")
