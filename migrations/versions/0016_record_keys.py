"""Record keys for disclosure control: every member and every survey response gets a random key from 0 to 255

The keys make published counts consistent and protected (cell key perturbation, see
app/statistics/disclosure.py). Existing rows get a random key each; the key is never shown.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 19:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLES = ("member", "survey_response")


def upgrade():
    random_key = "abs(random()) % 256" if op.get_bind().dialect.name == "sqlite" else "floor(random() * 256)::int"
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("record_key", sa.SmallInteger(), nullable=False, server_default="0"))
        op.execute(f"UPDATE {table} SET record_key = {random_key}")


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("record_key")
