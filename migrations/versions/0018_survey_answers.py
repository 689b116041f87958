"""Answers one row each (``survey_answers``, kept by triggers from ``survey_responses.answers``),
so results, segmentation, representativeness and the evaluation's indicators count with
``GROUP BY`` over an index; and the indexes the growing pages read in order by (a survey's
responses by submission time, a commission's inbox newest first).

Measured by ``bench/growth.py`` (docs/performance.md): one question's answers counted straight
out of the JSON of 100k responses took over a second on SQLite.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-01 13:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None

#: An answer as JSON text from SQLite's json_each: text is quoted, true/false/null spelled out,
#: numbers as they are, arrays and objects as the JSON json_each hands back.
_SQLITE_VALUE = ("CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' "
                 "WHEN 'array' THEN j.value WHEN 'object' THEN j.value ELSE json_quote(j.value) END")


def upgrade() -> None:
    op.create_index('ix_survey_responses_survey_submitted', 'survey_responses', ['survey_id', 'submitted_at', 'id'],
                    unique=False)
    op.create_table('survey_answers',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_answers_response_id_survey_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_answers_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'question_id', 'response_id', name=op.f('pk_survey_answers')),
    sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_survey_answers_response_id'), 'survey_answers', ['response_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.create_index('ix_survey_answers_value', 'survey_answers',
                        ['survey_id', 'question_id', 'value', 'response_id'], unique=False)
    _create_triggers()
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO survey_answers (survey_id, question_id, response_id, value) "
                   f"SELECT r.survey_id, j.key, r.id, {_SQLITE_VALUE} FROM survey_responses r, json_each(r.answers) j")
    else:
        op.execute("INSERT INTO survey_answers (survey_id, question_id, response_id, value) "
                   "SELECT r.survey_id, j.key, r.id, j.value::text FROM survey_responses r, json_each(r.answers) j")


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        insert = ("INSERT INTO survey_answers (survey_id, question_id, response_id, value) "
                  f"SELECT new.survey_id, j.key, new.id, {_SQLITE_VALUE} FROM json_each(new.answers) j;")
        op.execute(f"CREATE TRIGGER survey_answers_insert AFTER INSERT ON survey_responses BEGIN {insert} END")
        op.execute("CREATE TRIGGER survey_answers_update AFTER UPDATE OF answers ON survey_responses BEGIN "
                   f"DELETE FROM survey_answers WHERE response_id = old.id; {insert} END")
        return
    op.execute("""
        CREATE FUNCTION survey_answers_sync() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                DELETE FROM survey_answers WHERE response_id = OLD.id;
            END IF;
            INSERT INTO survey_answers (survey_id, question_id, response_id, value)
                SELECT NEW.survey_id, j.key, NEW.id, j.value::text FROM json_each(NEW.answers) j;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER survey_answers_sync AFTER INSERT OR UPDATE OF answers ON survey_responses "
               "FOR EACH ROW EXECUTE FUNCTION survey_answers_sync()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS survey_answers_insert")
        op.execute("DROP TRIGGER IF EXISTS survey_answers_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS survey_answers_sync ON survey_responses")
        op.execute("DROP FUNCTION IF EXISTS survey_answers_sync()")
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index('ix_survey_answers_value', table_name='survey_answers')
    op.drop_index(op.f('ix_survey_answers_response_id'), table_name='survey_answers')
    op.drop_table('survey_answers')
    op.drop_index('ix_survey_responses_survey_submitted', table_name='survey_responses')
