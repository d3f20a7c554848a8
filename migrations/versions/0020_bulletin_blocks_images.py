"""Bulletins written as blocks (headings, paragraphs, images, buttons, dividers, columns) and the images they show

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 07:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("editor", sa.String(length=10), nullable=False, server_default="markdown"))
        batch.add_column(sa.Column("blocks", sa.JSON(), nullable=True))
    op.create_table(
        "bulletin_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("file_name"),
    )


def downgrade():
    op.drop_table("bulletin_image")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("blocks")
        batch.drop_column("editor")
