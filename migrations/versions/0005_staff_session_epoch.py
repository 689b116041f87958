"""Staff session epoch: signing out moves it on, ending that account's sign-ins everywhere
(open presenter sockets included).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 06:14:21.712369
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')

