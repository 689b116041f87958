"""Live sessions record how many participants joined from their busiest client address (a
count, never the address), so that the poll results and their evidence show stuffing.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 13:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('busiest_address_participants', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('live_sessions', schema=None) as batch_op:
        batch_op.drop_column('busiest_address_participants')
