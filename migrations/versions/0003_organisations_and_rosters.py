"""organisations and rosters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:14:08.673603

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('icb_name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place')),
    sa.UniqueConstraint('code', name=op.f('uq_place_code'))
    )
    op.create_table('practice_list_size',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('extract_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('patients', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_list_size_practice_id_practice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_list_size')),
    sa.UniqueConstraint('practice_id', 'sex', 'age_band', name='uq_practice_list_size_practice_sex_band')
    )
    op.create_table('roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('target_size', sa.Integer(), nullable=True),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('practice_id', sa.Integer(), nullable=True),
    sa.Column('pcn_id', sa.Integer(), nullable=True),
    sa.Column('contact_types', sa.JSON(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['pcn_id'], ['pcn.id'], name=op.f('fk_roster_pcn_id_pcn')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_roster_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster'))
    )
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_pcn_id'), ['pcn_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_practice_id'), ['practice_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roster_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('registration_open', sa.Boolean(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['roster_id'], ['roster.id'], name=op.f('fk_meeting_roster_id_roster')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_roster_starts', ['roster_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('roster_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roster_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('term_ends_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_roster_membership_member_id_member')),
    sa.ForeignKeyConstraint(['roster_id'], ['roster.id'], name=op.f('fk_roster_membership_roster_id_roster')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_roster_membership_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_membership'))
    )
    with op.batch_alter_table('roster_membership', schema=None) as batch_op:
        batch_op.create_index('ix_roster_membership_member_status', ['member_id', 'status'], unique=False)
        batch_op.create_index('ix_roster_membership_roster_status', ['roster_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_membership_term_ends_on'), ['term_ends_on'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attendance_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_attendance_member_id_member')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_attendance_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'member_id', name='uq_attendance_meeting_member')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_member', ['member_id'], unique=False)

    op.create_table('event_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('email_normalised', sa.String(length=254), nullable=True),
    sa.Column('access_needs', sa.String(length=1000), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_event_registration_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_event_registration_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registration')),
    sa.UniqueConstraint('meeting_id', 'email_normalised', name='uq_event_registration_meeting_email')
    )
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index('ix_event_registration_meeting_status', ['meeting_id', 'status', 'created_at'], unique=False)

    op.create_table('involvement_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendance_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attendance_id'], ['attendance.id'], name=op.f('fk_involvement_payment_attendance_id_attendance'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_involvement_payment_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_involvement_payment'))
    )
    with op.batch_alter_table('involvement_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvement_payment_attendance_id'), ['attendance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvement_payment_paid_on'), ['paid_on'], unique=False)

    with op.batch_alter_table('pcn', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pcn_place_id'), ['place_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_pcn_place_id_place'), 'place', ['place_id'], ['id'])

    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pcn_changed_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_column('pcn_changed_at')

    with op.batch_alter_table('pcn', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pcn_place_id_place'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pcn_place_id'))
        batch_op.drop_column('place_id')

    with op.batch_alter_table('involvement_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvement_payment_paid_on'))
        batch_op.drop_index(batch_op.f('ix_involvement_payment_attendance_id'))

    op.drop_table('involvement_payment')
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_event_registration_meeting_status')

    op.drop_table('event_registration')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_member')

    op.drop_table('attendance')
    with op.batch_alter_table('roster_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_membership_term_ends_on'))
        batch_op.drop_index('ix_roster_membership_roster_status')
        batch_op.drop_index('ix_roster_membership_member_status')

    op.drop_table('roster_membership')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_starts_at'))
        batch_op.drop_index('ix_meeting_roster_starts')

    op.drop_table('meeting')
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_practice_id'))
        batch_op.drop_index(batch_op.f('ix_roster_pcn_id'))
        batch_op.drop_index(batch_op.f('ix_roster_kind'))

    op.drop_table('roster')
    op.drop_table('practice_list_size')
    op.drop_table('place')
