"""The journey data must match the source table word for word.

The table is parsed from the seed text ("The Four Stage Journey For Collaborative Commissioning",
in "Nothing About Us, Without Us!"). When the seed is not on this machine the verbatim copy of
the table rows kept next to this file (seed_journey_table.tsv) is used instead, and when both
are present they must agree.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from commissioning_steps import journey

SEED = Path("/work/shared/seeds/000_31a59159f2743a5d.txt")
COPY = Path(__file__).with_name("seed_journey_table.tsv")
HEADER = "\tCommissioning Step\tPrinciple\tPractice Question\tRelated SSA Tools*"


def table_rows(text: str) -> list[list[str]]:
    """The tab-separated rows under the table's header line, up to the first blank line."""
    lines = text.splitlines()
    start = lines.index(HEADER) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line.split("\t"))
    return rows


def source_rows() -> list[list[str]]:
    return table_rows(SEED.read_text(encoding="utf-8") if SEED.exists() else COPY.read_text(encoding="utf-8"))


def test_checked_in_copy_matches_the_seed():
    if not SEED.exists():
        pytest.skip("seed file not on this machine; the checked-in copy is used")
    assert table_rows(SEED.read_text(encoding="utf-8")) == table_rows(COPY.read_text(encoding="utf-8"))


def test_seed_table_has_eight_rows_of_five_columns():
    rows = source_rows()
    assert len(rows) == 8
    assert all(len(r) == 5 for r in rows), rows


def test_every_step_matches_the_source_word_for_word():
    rows = source_rows()
    assert [r[1] for r in rows] == [s.name for s in journey.STEPS]
    for row, step in zip(rows, journey.STEPS):
        _stage_fragment, name, principle, question, tools = row
        assert step.name == name
        assert step.principle == principle, name
        assert step.practice_question == question, name
        assert list(step.tools) == tools.split(), name


def test_stage_fragments_in_the_source_agree_with_the_stage():
    # Each stage has two steps; the first column carries (a fragment of) the stage name,
    # or is blank / mangled in the source for the second row of a stage.
    rows = source_rows()
    for i, (row, step) in enumerate(zip(rows, journey.STEPS)):
        assert step.stage == journey.STAGE_NAMES[i // 2]
        fragment = row[0].strip()
        if fragment.isalpha():
            assert step.stage.startswith(fragment), (fragment, step.stage)


def test_source_typos_are_kept_verbatim():
    collaborate = journey.get_step("collaborate")
    consolidate = journey.get_step("consolidate")
    assert collaborate.tools == ("T&V1.03", "T&V1.03", "T&V3.08", "CLA5.01")
    assert consolidate.tools == ("CLA4.01", "CLA4.02", "CAL4.03")


def test_four_stages_of_two_steps_in_order():
    assert journey.STAGE_NAMES == ("Analyse", "Plan", "Do", "Review")
    assert [st.name for st in journey.STAGES] == ["Analyse", "Plan", "Do", "Review"]
    assert [[s.key for s in st.steps] for st in journey.STAGES] == [
        ["initiate", "investigate"], ["collaborate", "incubate"],
        ["negotiate", "activate"], ["consolidate", "evaluate"],
    ]
    assert journey.STEP_KEYS == ("initiate", "investigate", "collaborate", "incubate",
                                 "negotiate", "activate", "consolidate", "evaluate")
    assert [s.number for s in journey.STEPS] == list(range(1, 9))


def test_lookup_helpers():
    assert journey.get_step("negotiate").name == "Negotiate"
    assert journey.get_step("nope") is None
    assert journey.step_at(0).key == "initiate"
    assert journey.step_at(7).key == "evaluate"
    assert journey.step_at(8) is None
    assert journey.step_at(-1) is None


def test_as_dict_shape():
    data = journey.as_dict()
    assert data["version"] == journey.JOURNEY_VERSION
    assert [s["name"] for s in data["stages"]] == list(journey.STAGE_NAMES)
    flat = [step for stage in data["stages"] for step in stage["steps"]]
    assert [s["key"] for s in flat] == list(journey.STEP_KEYS)
    for item, step in zip(flat, journey.STEPS):
        assert {"key", "name", "principle", "practice_question", "tools"} <= set(item)
        assert item["principle"] == step.principle
        assert item["practice_question"] == step.practice_question
        assert item["tools"] == list(step.tools)
