"""The material a survey asks residents about (a plan to judge: heading, text, https link), shown
on its start page; and which questions a resident's draft has put to them so far, so no question
they are due to answer can be skipped.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-08 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('material_title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('material_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('material_url', sa.String(length=2000), server_default='', nullable=False))
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        # NULL for drafts started before this revision: read as "nothing asked yet".
        batch_op.add_column(sa.Column('asked', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('survey_drafts', schema=None) as batch_op:
        batch_op.drop_column('asked')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('material_url')
        batch_op.drop_column('material_text')
        batch_op.drop_column('material_title')
