"""API token names (staff list, name and revoke their tokens), and signed checkpoints of the
evidence log (its head, count and time, signed with a key kept outside the database).

Revision ID: 0007
Revises: 0006 (you said, we did), which was merged first
Create Date: 2026-12-01 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=80), server_default='', nullable=False))
    op.create_table('evidence_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.Column('entries_digest', sa.String(length=64), nullable=False),
    sa.Column('entry_hashes', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'],
                            name=op.f('fk_evidence_checkpoints_commission_id_commissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_checkpoints'))
    )
    with op.batch_alter_table('evidence_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_checkpoints_commission_id'), ['commission_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evidence_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_checkpoints_commission_id'))
    op.drop_table('evidence_checkpoints')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('name')
