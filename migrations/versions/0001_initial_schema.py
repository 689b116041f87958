"""Initial schema: staff, commissions, the evidence log (append-only, enforced by triggers), events.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 04:41:48.064977
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('domain_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_events'))
    )
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_domain_events_commission_id'), ['commission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_domain_events_name'), ['name'], unique=False)

    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_api_tokens_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('commissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('partners', sa.JSON(), nullable=False),
    sa.Column('current_step_index', sa.Integer(), nullable=False),
    sa.Column('evidence_count', sa.Integer(), nullable=False),
    sa.Column('evidence_head', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_commissions_created_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissions'))
    )
    op.create_table('evidence_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('practice_question', sa.Text(), nullable=False),
    sa.Column('journey_version', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('supersedes', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_users.id'], name=op.f('fk_evidence_entries_author_id_staff_users')),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_evidence_entries_commission_id_commissions')),
    sa.ForeignKeyConstraint(['supersedes'], ['evidence_entries.id'], name=op.f('fk_evidence_entries_supersedes_evidence_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_entries')),
    sa.UniqueConstraint('commission_id', 'seq', name='uq_evidence_entries_commission_seq'),
    sa.UniqueConstraint('hash', name=op.f('uq_evidence_entries_hash'))
    )
    with op.batch_alter_table('evidence_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_entries_commission_id'), ['commission_id'], unique=False)

    op.create_table('memberships',
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_memberships_commission_id_commissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_memberships_user_id_staff_users')),
    sa.PrimaryKeyConstraint('commission_id', 'user_id', name=op.f('pk_memberships'))
    )
    op.create_table('population_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('target_share', sa.Float(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_population_groups_commission_id_commissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population_groups'))
    )
    refuse_update_and_delete('evidence_entries')


def downgrade() -> None:
    allow_update_and_delete('evidence_entries')
    op.drop_table('population_groups')
    op.drop_table('memberships')
    with op.batch_alter_table('evidence_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_entries_commission_id'))

    op.drop_table('evidence_entries')
    op.drop_table('commissions')
    op.drop_table('api_tokens')
    op.drop_table('staff_users')
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_domain_events_name'))
        batch_op.drop_index(batch_op.f('ix_domain_events_commission_id'))

    op.drop_table('domain_events')


def refuse_update_and_delete(table: str) -> None:
    """Make the database itself refuse UPDATE and DELETE (and TRUNCATE) on ``table``.

    The evidence log is append-only by rule; the triggers make it so even for someone with a
    database client, so a changed row can only come from going around the database, which the
    hash chain then detects.
    """
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION engage_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: record a correction as a new entry', TG_TABLE_NAME; "
            "END $$"
        )
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION engage_refuse_change()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION engage_refuse_change()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: record a correction as a new entry'); END")


def allow_update_and_delete(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
