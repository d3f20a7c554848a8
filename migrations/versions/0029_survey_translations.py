"""Survey translations: a survey's wording in Welsh or Urdu, field by field; the language of each response

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_translation_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_translation")),
        sa.UniqueConstraint("survey_id", "language", "field", name=op.f("uq_survey_translation_survey_id")),
    )
    with op.batch_alter_table("survey_translation") as batch:
        batch.create_index(batch.f("ix_survey_translation_survey_id"), ["survey_id"], unique=False)
    with op.batch_alter_table("survey_response") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=False, server_default="en"))


def downgrade():
    with op.batch_alter_table("survey_response") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("survey_translation") as batch:
        batch.drop_index(batch.f("ix_survey_translation_survey_id"))
    op.drop_table("survey_translation")
