"""Community researchers who collect data (collectors, the surveys they collect for, their
observations with photos, responses marked with who collected them) and the document a survey
asks residents to judge.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'survey_collectors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('commission_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=60), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['commission_id'], ['commissions.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('commission_id', 'label', name='uq_survey_collectors_label'),
        sa.UniqueConstraint('secret_hash'),
    )
    op.create_index('ix_survey_collectors_commission_id', 'survey_collectors', ['commission_id'])
    op.create_table(
        'collector_surveys',
        sa.Column('collector_id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['collector_id'], ['survey_collectors.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('collector_id', 'survey_id'),
    )
    op.create_index('ix_collector_surveys_survey_id', 'collector_surveys', ['survey_id'])
    op.create_table(
        'collector_observations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('collector_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('photo', sa.LargeBinary(), nullable=True),
        sa.Column('photo_type', sa.String(length=32), nullable=True),
        sa.Column('photo_size', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['collector_id'], ['survey_collectors.id']),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_collector_observations_survey_id', 'collector_observations', ['survey_id'])
    op.create_index('ix_collector_observations_collector_id', 'collector_observations', ['collector_id'])
    op.create_table(
        'survey_documents',
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('survey_id'),
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collector_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_survey_responses_collector_id', ['collector_id'])
        batch_op.create_foreign_key('fk_survey_responses_collector_id', 'survey_collectors',
                                    ['collector_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_constraint('fk_survey_responses_collector_id', type_='foreignkey')
        batch_op.drop_index('ix_survey_responses_collector_id')
        batch_op.drop_column('collector_id')
    op.drop_table('survey_documents')
    op.drop_index('ix_collector_observations_collector_id', table_name='collector_observations')
    op.drop_index('ix_collector_observations_survey_id', table_name='collector_observations')
    op.drop_table('collector_observations')
    op.drop_index('ix_collector_surveys_survey_id', table_name='collector_surveys')
    op.drop_table('collector_surveys')
    op.drop_index('ix_survey_collectors_commission_id', table_name='survey_collectors')
    op.drop_table('survey_collectors')
