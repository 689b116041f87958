"""On SQLite, the gevent server hands blocking work to a native thread (``commit_in``): every
commit, and the multi-row statements a group of survey responses is written with. One-row
statements stay where they are (the hop costs more than they do). The runner here only
records what it was handed, and runs it, so the data must come out the same."""
from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from commissioning_steps.db import make_engine

ROWS = Table("rows", MetaData(), Column("id", Integer, primary_key=True), Column("word", String))


def _engine(tmp_path, handed: list[str]):
    def run(work) -> None:
        handed.append("commit" if getattr(work, "__name__", "") == "commit" else "statement")
        work()

    engine = make_engine(f"sqlite:///{tmp_path}/t.sqlite3", synchronous="NORMAL", commit_in=run)
    ROWS.metadata.create_all(engine)
    return engine


def test_multi_row_inserts_and_executemany_are_handed_over_and_one_row_statements_are_not(tmp_path):
    handed: list[str] = []
    engine = _engine(tmp_path, handed)
    write = engine.execution_options(engage_write=True)
    with write.begin() as conn:
        handed.clear()
        conn.execute(insert(ROWS), {"word": "one"})
        assert handed == []  # a one-row statement runs in place
        ids = conn.execute(insert(ROWS).returning(ROWS.c.id), [{"word": f"w{n}"} for n in range(5)]).scalars().all()
        assert handed == ["statement"]  # the multi-row INSERT (insertmanyvalues), in one hand-over
        conn.execute(text("UPDATE rows SET word = upper(word) WHERE id = :id"), [{"id": 2}, {"id": 3}])
        assert handed == ["statement", "statement"]  # an executemany
    assert handed[-1] == "commit"
    with engine.connect() as conn:
        assert conn.execute(select(ROWS.c.word).order_by(ROWS.c.id)).scalars().all() == \
            ["one", "W0", "W1", "w2", "w3", "w4"]
    assert sorted(ids) == [2, 3, 4, 5, 6]


def test_without_a_runner_nothing_is_handed_over(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/t.sqlite3", synchronous="NORMAL")
    ROWS.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(ROWS), [{"word": "a"}, {"word": "b"}])
    with engine.connect() as conn:
        assert conn.execute(select(ROWS.c.word)).scalars().all() == ["a", "b"]
