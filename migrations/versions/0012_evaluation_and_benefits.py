"""The final evaluation (challenges and their answers, signed-off report versions) and benefits
management (strategy, benefit and dis-benefit profiles with their dependencies and decisions,
measurements, reviews and reminders). Ratings need no table: a step's rating is its latest
assessment entry in the evidence log.

Revision ID: 0012
Revises: 0011 (the migrations merged in one line: 0007, 0009 … 0014)
Create Date: 2026-12-01 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))


def _index(table, column):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    op.create_table('evaluation_challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('evidence_entry_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    _fk('evaluation_challenges', 'commission_id', 'commissions'),
    sa.ForeignKeyConstraint(['entry_id'], ['evidence_entries.id'],
                            name=op.f('fk_evaluation_challenges_entry_id_evidence_entries')),
    sa.ForeignKeyConstraint(['evidence_entry_id'], ['evidence_entries.id'],
                            name=op.f('fk_evaluation_challenges_evidence_entry_id_evidence_entries')),
    _fk('evaluation_challenges', 'raised_by_id', 'staff_users'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_challenges'))
    )
    _index('evaluation_challenges', 'commission_id')

    op.create_table('evaluation_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('evidence_entry_id', sa.Integer(), nullable=True),
    _fk('evaluation_answers', 'challenge_id', 'evaluation_challenges'),
    _fk('evaluation_answers', 'answered_by_id', 'staff_users'),
    sa.ForeignKeyConstraint(['evidence_entry_id'], ['evidence_entries.id'],
                            name=op.f('fk_evaluation_answers_evidence_entry_id_evidence_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_answers'))
    )
    _index('evaluation_answers', 'challenge_id')

    op.create_table('evaluation_sign_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('evidence_entry_id', sa.Integer(), nullable=True),
    sa.Column('checkpoint_id', sa.Integer(), nullable=True),
    _fk('evaluation_sign_offs', 'commission_id', 'commissions'),
    _fk('evaluation_sign_offs', 'signed_by_id', 'staff_users'),
    sa.ForeignKeyConstraint(['evidence_entry_id'], ['evidence_entries.id'],
                            name=op.f('fk_evaluation_sign_offs_evidence_entry_id_evidence_entries')),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['evidence_checkpoints.id'],
                            name=op.f('fk_evaluation_sign_offs_checkpoint_id_evidence_checkpoints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_sign_offs')),
    sa.UniqueConstraint('commission_id', 'version', name='uq_evaluation_sign_offs_version')
    )
    _index('evaluation_sign_offs', 'commission_id')

    op.create_table('benefit_strategies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('approach', sa.Text(), nullable=False),
    sa.Column('partner_benefits', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    _fk('benefit_strategies', 'commission_id', 'commissions'),
    _fk('benefit_strategies', 'updated_by_id', 'staff_users'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_strategies')),
    sa.UniqueConstraint('commission_id', name=op.f('uq_benefit_strategies_commission_id'))
    )

    op.create_table('benefits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('stakeholders', sa.JSON(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('outputs', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('measure', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('baseline_date', sa.Date(), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('owner_role', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('measurement_dates', sa.JSON(), nullable=False),
    sa.Column('review_dates', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    _fk('benefits', 'commission_id', 'commissions'),
    _fk('benefits', 'owner_id', 'staff_users'),
    _fk('benefits', 'created_by_id', 'staff_users'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefits'))
    )
    _index('benefits', 'commission_id')

    op.create_table('benefit_dependencies',
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('depends_on_id', sa.Integer(), nullable=False),
    _fk('benefit_dependencies', 'benefit_id', 'benefits'),
    _fk('benefit_dependencies', 'depends_on_id', 'benefits'),
    sa.PrimaryKeyConstraint('benefit_id', 'depends_on_id', name=op.f('pk_benefit_dependencies'))
    )

    op.create_table('benefit_decisions',
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    _fk('benefit_decisions', 'benefit_id', 'benefits'),
    _fk('benefit_decisions', 'decision_id', 'decisions'),
    sa.PrimaryKeyConstraint('benefit_id', 'decision_id', name=op.f('pk_benefit_decisions'))
    )
    _index('benefit_decisions', 'decision_id')

    op.create_table('benefit_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('evidence_entry_id', sa.Integer(), nullable=True),
    _fk('benefit_measurements', 'benefit_id', 'benefits'),
    _fk('benefit_measurements', 'recorded_by_id', 'staff_users'),
    sa.ForeignKeyConstraint(['evidence_entry_id'], ['evidence_entries.id'],
                            name=op.f('fk_benefit_measurements_evidence_entry_id_evidence_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_measurements'))
    )
    _index('benefit_measurements', 'benefit_id')

    op.create_table('benefit_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('extent', sa.String(length=32), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('new_target_value', sa.Float(), nullable=True),
    sa.Column('new_target_date', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('evidence_entry_id', sa.Integer(), nullable=True),
    _fk('benefit_reviews', 'benefit_id', 'benefits'),
    _fk('benefit_reviews', 'recorded_by_id', 'staff_users'),
    sa.ForeignKeyConstraint(['evidence_entry_id'], ['evidence_entries.id'],
                            name=op.f('fk_benefit_reviews_evidence_entry_id_evidence_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_reviews'))
    )
    _index('benefit_reviews', 'benefit_id')

    op.create_table('benefit_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('benefit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    _fk('benefit_reminders', 'benefit_id', 'benefits'),
    _fk('benefit_reminders', 'owner_id', 'staff_users'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_reminders')),
    sa.UniqueConstraint('benefit_id', 'kind', 'due_on', name='uq_benefit_reminders_due')
    )
    _index('benefit_reminders', 'benefit_id')


def downgrade() -> None:
    for table, column in (('benefit_reminders', 'benefit_id'), ('benefit_reviews', 'benefit_id'),
                          ('benefit_measurements', 'benefit_id'), ('benefit_decisions', 'decision_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
    op.drop_table('benefit_dependencies')
    with op.batch_alter_table('benefits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefits_commission_id'))
    op.drop_table('benefits')
    op.drop_table('benefit_strategies')
    for table, column in (('evaluation_sign_offs', 'commission_id'), ('evaluation_answers', 'challenge_id'),
                          ('evaluation_challenges', 'commission_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
