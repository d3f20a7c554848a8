"""Event sign-up: an event or venue where people join on one shared device, and the members who joined there

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 07:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signup_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("place", sa.String(length=120), server_default="", nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("sign_up_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["staff_user.id"], name=op.f("fk_signup_event_opened_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signup_event")),
    )
    op.create_table(
        "signup_event_topic",
        sa.Column("signup_event_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["signup_event_id"],
            ["signup_event.id"],
            name=op.f("fk_signup_event_topic_signup_event_id_signup_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topic.id"], name=op.f("fk_signup_event_topic_topic_id_topic"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("signup_event_id", "topic_id", name=op.f("pk_signup_event_topic")),
    )
    # Added in place, not by copying the table: the member table has computed columns that
    # SQLite's copy-and-rename would try to add twice, and SQLite takes a foreign key only inline.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE member ADD COLUMN signup_event_id INTEGER"
            " CONSTRAINT fk_member_signup_event_id_signup_event REFERENCES signup_event (id)"
        )
    else:
        op.add_column("member", sa.Column("signup_event_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_member_signup_event_id_signup_event", "member", "signup_event", ["signup_event_id"], ["id"]
        )
    op.create_index(op.f("ix_member_signup_event_id"), "member", ["signup_event_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_member_signup_event_id"), table_name="member")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_member_signup_event_id_signup_event", "member", type_="foreignkey")
    op.drop_column("member", "signup_event_id")
    op.drop_table("signup_event_topic")
    op.drop_table("signup_event")
