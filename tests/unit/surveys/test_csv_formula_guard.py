"""One formula guard for every CSV Engage writes, including the tricks that got past the old one."""
from __future__ import annotations

import pytest

from surveys.exports import safe_cell


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", " =HYPERLINK(1)",
                                  "\u00a0=x", "\uff1dHYPERLINK(1)", "\uff0b1", "\uff0dx", "\uff20x"])
def test_cells_a_spreadsheet_would_run_are_quoted(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3", "+4.5", "12", "hello = world", "", "Ward 3 - north"])
def test_plain_numbers_and_text_are_left_alone(cell):
    assert safe_cell(cell) == cell


def test_text_that_utf8_cannot_hold_does_not_fail_the_download():
    assert safe_cell("\udc00 late bus").encode("utf-8") == b"? late bus"


def test_the_evidence_export_uses_the_same_rule():
    from engage.common.downloads import csv_cell

    assert csv_cell(" =1") == "' =1" and csv_cell("-3") == "-3" and csv_cell({"a": "=b"}) == '{"a": "=b"}'
