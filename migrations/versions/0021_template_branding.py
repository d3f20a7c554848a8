"""A bulletin template's branding: header and button colours and a logo

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bulletin_template") as batch:
        batch.add_column(sa.Column("brand_colour", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("button_colour", sa.String(length=7), nullable=True))
        batch.add_column(sa.Column("logo_image_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("logo_alt", sa.String(length=200), nullable=True))
        batch.create_foreign_key(
            "fk_bulletin_template_logo_image_id_bulletin_image", "bulletin_image", ["logo_image_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("bulletin_template") as batch:
        batch.drop_constraint("fk_bulletin_template_logo_image_id_bulletin_image", type_="foreignkey")
        batch.drop_column("logo_alt")
        batch.drop_column("logo_image_id")
        batch.drop_column("button_colour")
        batch.drop_column("brand_colour")
