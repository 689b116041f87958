"""You said, we did: the input inbox (with the database's own full-text index), themes and their
items and quotes, decisions with their status history and links, and published pages.

SQLite gets an FTS5 table kept in step with ``input_items`` by triggers; PostgreSQL a generated
``tsvector`` column with a GIN index. Search in ``commissioning_steps.inputs`` uses whichever
the database has, never a LIKE scan.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:35:49.611593
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('takes_effect_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('not_attributable_reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_decisions_commission_id_commissions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_decisions_created_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_commission_id'), ['commission_id'], unique=False)

    op.create_table('input_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('activity_kind', sa.String(length=16), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('activity_title', sa.String(length=200), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('question_ref', sa.String(length=64), nullable=True),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('respondent_key', sa.String(length=100), nullable=True),
    sa.Column('respondent_group', sa.String(length=120), nullable=True),
    sa.Column('area', sa.String(length=120), nullable=True),
    sa.Column('about', sa.JSON(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_input_items_commission_id_commissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_input_items')),
    sa.UniqueConstraint('ref', name=op.f('uq_input_items_ref'))
    )
    with op.batch_alter_table('input_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_input_items_commission_id'), ['commission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_input_items_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_input_items_respondent_key'), ['respondent_key'], unique=False)
        batch_op.create_index('ix_input_items_commission_created', ['commission_id', 'created_at'], unique=False)
    _create_search_index()

    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_publications_commission_id_commissions')),
    sa.ForeignKeyConstraint(['published_by_id'], ['staff_users.id'], name=op.f('fk_publications_published_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('commission_id', 'page', 'version', name='uq_publications_version')
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_commission_id'), ['commission_id'], unique=False)

    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('minority', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('not_taken_up_reason', sa.Text(), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_themes_commission_id_commissions')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_themes_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['themes.id'], name=op.f('fk_themes_merged_into_id_themes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes'))
    )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_themes_commission_id'), ['commission_id'], unique=False)

    op.create_table('decision_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_users.id'], name=op.f('fk_decision_history_changed_by_id_staff_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_history_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_history'))
    )
    with op.batch_alter_table('decision_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_history_decision_id'), ['decision_id'], unique=False)

    op.create_table('decision_items',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_items_decision_id_decisions')),
    sa.ForeignKeyConstraint(['item_id'], ['input_items.id'], name=op.f('fk_decision_items_item_id_input_items')),
    sa.PrimaryKeyConstraint('decision_id', 'item_id', name=op.f('pk_decision_items'))
    )
    with op.batch_alter_table('decision_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_items_item_id'), ['item_id'], unique=False)

    op.create_table('decision_themes',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_themes_decision_id_decisions')),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_decision_themes_theme_id_themes')),
    sa.PrimaryKeyConstraint('decision_id', 'theme_id', name=op.f('pk_decision_themes'))
    )
    with op.batch_alter_table('decision_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_themes_theme_id'), ['theme_id'], unique=False)

    op.create_table('theme_items',
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quoted', sa.Boolean(), nullable=False),
    sa.Column('minority', sa.Boolean(), nullable=False),
    sa.Column('evidence_entry_id', sa.Integer(), nullable=True),
    sa.Column('tagged_by_id', sa.Integer(), nullable=True),
    sa.Column('tagged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_entry_id'], ['evidence_entries.id'], name=op.f('fk_theme_items_evidence_entry_id_evidence_entries')),
    sa.ForeignKeyConstraint(['item_id'], ['input_items.id'], name=op.f('fk_theme_items_item_id_input_items')),
    sa.ForeignKeyConstraint(['tagged_by_id'], ['staff_users.id'], name=op.f('fk_theme_items_tagged_by_id_staff_users')),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_theme_items_theme_id_themes')),
    sa.PrimaryKeyConstraint('theme_id', 'item_id', name=op.f('pk_theme_items'))
    )
    with op.batch_alter_table('theme_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_items_item_id'), ['item_id'], unique=False)



def _create_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE input_items_fts USING fts5(text, content='input_items', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER input_items_fts_insert AFTER INSERT ON input_items BEGIN "
                   "INSERT INTO input_items_fts(rowid, text) VALUES (new.id, new.text); END")
        op.execute("CREATE TRIGGER input_items_fts_delete AFTER DELETE ON input_items BEGIN "
                   "INSERT INTO input_items_fts(input_items_fts, rowid, text) VALUES ('delete', old.id, old.text); END")
        op.execute("CREATE TRIGGER input_items_fts_update AFTER UPDATE OF text ON input_items BEGIN "
                   "INSERT INTO input_items_fts(input_items_fts, rowid, text) VALUES ('delete', old.id, old.text); "
                   "INSERT INTO input_items_fts(rowid, text) VALUES (new.id, new.text); END")
    else:
        op.execute("ALTER TABLE input_items ADD COLUMN search tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED")
        op.execute("CREATE INDEX ix_input_items_search ON input_items USING gin (search)")


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS input_items_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS input_items_fts")


def downgrade() -> None:
    with op.batch_alter_table('theme_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_items_item_id'))

    op.drop_table('theme_items')
    with op.batch_alter_table('decision_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_themes_theme_id'))

    op.drop_table('decision_themes')
    with op.batch_alter_table('decision_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_items_item_id'))

    op.drop_table('decision_items')
    with op.batch_alter_table('decision_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_history_decision_id'))

    op.drop_table('decision_history')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_themes_commission_id'))

    op.drop_table('themes')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_commission_id'))

    op.drop_table('publications')
    _drop_search_index()
    with op.batch_alter_table('input_items', schema=None) as batch_op:
        batch_op.drop_index('ix_input_items_commission_created')
        batch_op.drop_index(batch_op.f('ix_input_items_respondent_key'))
        batch_op.drop_index(batch_op.f('ix_input_items_created_at'))
        batch_op.drop_index(batch_op.f('ix_input_items_commission_id'))

    op.drop_table('input_items')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_commission_id'))

    op.drop_table('decisions')
