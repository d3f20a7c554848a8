"""Staff accounts: a key in each session id, changed to sign the person out everywhere; room for
sealed (encrypted) two-factor secrets.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_key", sa.String(length=32), server_default="", nullable=False))
        batch_op.alter_column(
            "totp_secret", existing_type=sa.VARCHAR(length=64), type_=sa.String(length=200), existing_nullable=True
        )


def downgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(length=200), type_=sa.VARCHAR(length=64), existing_nullable=True
        )
        batch_op.drop_column("session_key")
