"""Live sessions end and are archived (``ended_at``, ``archived_at``); a participant's
word-cloud words are stored one row each (``live_votes.slot``), so the one-vote-per-participant
constraint becomes one answer per participant per slot.

Revision ID: 0011
Revises: 0010 (the migrations merged in one line: 0007, 0009 … 0014)
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('live_votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint('uq_live_votes_question_participant', type_='unique')
        batch_op.create_unique_constraint('uq_live_votes_question_participant_slot',
                                          ['question_id', 'participant', 'slot'])


def downgrade() -> None:
    # Only the first word of each participant survives a downgrade: the old table holds one.
    op.execute("DELETE FROM live_votes WHERE slot <> 0")
    with op.batch_alter_table('live_votes', schema=None) as batch_op:
        batch_op.drop_constraint('uq_live_votes_question_participant_slot', type_='unique')
        batch_op.create_unique_constraint('uq_live_votes_question_participant', ['question_id', 'participant'])
        batch_op.drop_column('slot')
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('ended_at')
