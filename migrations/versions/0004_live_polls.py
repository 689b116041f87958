"""Live polls: sessions, questions, votes (one per participant, retries counted once), Q&A entries
and up-votes, the log of who saw results when, and presence shared between server processes.

It follows the surveys migration (0003), which was committed first on top of 0001, so the
chain stays a single line: 0001 -> 0003 -> 0004.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 04:59:36.493644
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('live_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('current_question_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_live_sessions_commission_id_commissions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_live_sessions_created_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_sessions')),
    sa.UniqueConstraint('code', name=op.f('uq_live_sessions_code'))
    )
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_sessions_commission_id'), ['commission_id'], unique=False)

    op.create_table('live_presence',
    sa.Column('process', sa.String(length=64), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant', sa.String(length=32), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_presence_session_id_live_sessions')),
    sa.PrimaryKeyConstraint('process', 'session_id', 'participant', name=op.f('pk_live_presence'))
    )
    with op.batch_alter_table('live_presence', schema=None) as batch_op:
        batch_op.create_index('ix_live_presence_session_seen', ['session_id', 'seen_at'], unique=False)

    op.create_table('live_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('evidence_entry_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_entry_id'], ['evidence_entries.id'], name=op.f('fk_live_questions_evidence_entry_id_evidence_entries')),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_questions_session_id_live_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_questions')),
    sa.UniqueConstraint('session_id', 'position', name='uq_live_questions_session_position')
    )
    with op.batch_alter_table('live_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_questions_session_id'), ['session_id'], unique=False)

    op.create_table('live_disclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('question_state', sa.String(length=16), nullable=True),
    sa.Column('responses', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['live_questions.id'], name=op.f('fk_live_disclosures_question_id_live_questions')),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_disclosures_session_id_live_sessions')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_live_disclosures_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_disclosures'))
    )
    with op.batch_alter_table('live_disclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_disclosures_session_id'), ['session_id'], unique=False)

    op.create_table('live_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('participant', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['live_questions.id'], name=op.f('fk_live_entries_question_id_live_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_entries'))
    )
    with op.batch_alter_table('live_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_entries_question_id'), ['question_id'], unique=False)

    op.create_table('live_vote_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant', sa.String(length=32), nullable=False),
    sa.Column('client_vote_id', sa.String(length=64), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['live_questions.id'], name=op.f('fk_live_vote_receipts_question_id_live_questions')),
    sa.ForeignKeyConstraint(['session_id'], ['live_sessions.id'], name=op.f('fk_live_vote_receipts_session_id_live_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_vote_receipts')),
    sa.UniqueConstraint('session_id', 'participant', 'client_vote_id', name='uq_live_vote_receipts_client_vote')
    )
    op.create_table('live_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('participant', sa.String(length=32), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['live_questions.id'], name=op.f('fk_live_votes_question_id_live_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_votes')),
    sa.UniqueConstraint('question_id', 'participant', name='uq_live_votes_question_participant')
    )
    with op.batch_alter_table('live_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_votes_question_id'), ['question_id'], unique=False)

    op.create_table('live_upvotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('participant', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['live_entries.id'], name=op.f('fk_live_upvotes_entry_id_live_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_upvotes')),
    sa.UniqueConstraint('entry_id', 'participant', name='uq_live_upvotes_entry_participant')
    )
    with op.batch_alter_table('live_upvotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_upvotes_entry_id'), ['entry_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('live_upvotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_upvotes_entry_id'))

    op.drop_table('live_upvotes')
    with op.batch_alter_table('live_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_votes_question_id'))

    op.drop_table('live_votes')
    op.drop_table('live_vote_receipts')
    with op.batch_alter_table('live_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_entries_question_id'))

    op.drop_table('live_entries')
    with op.batch_alter_table('live_disclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_disclosures_session_id'))

    op.drop_table('live_disclosures')
    with op.batch_alter_table('live_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_questions_session_id'))

    op.drop_table('live_questions')
    with op.batch_alter_table('live_presence', schema=None) as batch_op:
        batch_op.drop_index('ix_live_presence_session_seen')

    op.drop_table('live_presence')
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_sessions_commission_id'))

    op.drop_table('live_sessions')
