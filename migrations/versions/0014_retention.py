"""A retention period per commission: how many days residents' own words are kept before the
scheduled erasure (existing commissions get none set, so nothing is erased until one is chosen).

Revision ID: 0014
Revises: 0013 (the migrations merged in one line: 0007, 0009 … 0014)
Create Date: 2026-12-01 10:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('commissions', schema=None) as batch_op:
        batch_op.drop_column('retention_days')
