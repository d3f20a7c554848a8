"""An index covering the staff member search (status, names, email, postcode).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(
            "ix_member_search", ["status", "last_name", "first_name", "email_normalised", "postcode"], unique=False
        )


def downgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index("ix_member_search")
