"""The inbox's filter menus counted from one covering index: every column a menu offers, after the
commission, so ``inputs.facets`` counts a commission's items with one ``GROUP BY`` that reads this
index in its own order (no table rows, no sort) instead of five that each read and sorted every item.

Measured by ``bench/growth.py`` and a kept 1M-response file (docs/performance.md, "The inbox, the
CSV and the evaluation at 1M"): 1.29M items, the five menus 2.4 s of CPU, the one query over this
index 0.19 s. SQLite only, as 0018's covering index: PostgreSQL counts the one query with a hash
aggregate over one scan, and its b-tree entries cannot hold an arbitrarily long question text.

``ix_input_items_commission_id`` (0006) goes, on both: ``ix_input_items_commission_created``
(0006) and, on SQLite, this index start with ``commission_id``, so it only cost every insert. On
copies of the 1M file, two items a transaction: 196-203 us of CPU and 17.4 WAL pages without the
new index, 293-365 us and 21.0 with it, 237-246 us and 19.8 with it and without the old one.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 19:45:00.000000
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

#: In the order ``inputs.facets`` groups by, so SQLite reads the groups straight off the index.
MENU_COLUMNS = ['commission_id', 'activity_kind', 'activity_id', 'activity_title', 'question_ref', 'question_text',
                'respondent_group', 'area', 'step']


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index('ix_input_items_menus', 'input_items', MENU_COLUMNS, unique=False)
    op.drop_index('ix_input_items_commission_id', table_name='input_items')


def downgrade() -> None:
    op.create_index('ix_input_items_commission_id', 'input_items', ['commission_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index('ix_input_items_menus', table_name='input_items')
