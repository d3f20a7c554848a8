"""Disability's second question: whether a long-term condition limits day-to-day activities

Census 2021 counts as disabled under the Equality Act someone whose condition limits them a lot
or a little, so the audit needs both answers. Existing answers of "yes" to the first question
have no second answer yet: they count as not known for disability until the person answers it.
The upgrade says how many there are.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import context, op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLES = {"equality_answers": "members' own answers", "survey_response_equality": "survey responses"}


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("disability_impact", sa.String(length=40), nullable=True))
    if context.is_offline_mode():
        return
    bind = op.get_bind()
    counts = {
        table: bind.execute(sa.text(f"SELECT count(*) FROM {table} WHERE disability = 'yes'")).scalar() or 0
        for table in TABLES
    }
    print(only_first_question_message(counts["equality_answers"], counts["survey_response_equality"]))


def only_first_question_message(members: int, responses: int) -> str:
    return (
        f"Disability: {members} member answer{'s' if members != 1 else ''} and {responses} survey "
        f"response{'s' if responses != 1 else ''} say yes to a long-term condition without saying whether it "
        "limits day-to-day activities; the representativeness audit counts them as not known for disability "
        "until that question is answered."
    )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("disability_impact")
