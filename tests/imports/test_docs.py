from pathlib import Path

from lianghua.enterprises.import_kinds import (
    MONEY_PER_EMPLOYEE_WARN_WAN,
    MONEY_PER_MU_WARN_WAN,
    REVENUE_YUAN_SLIP_WAN,
)
from lianghua.imports.reference_doc import column_tables_markdown
from lianghua.projects.import_kinds import (
    PROGRESS_OVERRUN_RATIO,
    PROGRESS_YUAN_SLIP_RATIO,
    PROJECT_INVESTMENT_YUAN_SLIP_WAN,
    PROJECT_MONEY_WARN_WAN,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "imports.md"


def test_docs_column_tables_match_the_registry():
    assert column_tables_markdown() in DOC.read_text(encoding="utf-8")


def test_docs_state_the_unit_slip_thresholds():
    text = DOC.read_text(encoding="utf-8")
    for name, value in [("REVENUE_YUAN_SLIP_WAN", REVENUE_YUAN_SLIP_WAN),
                        ("PROJECT_INVESTMENT_YUAN_SLIP_WAN", PROJECT_INVESTMENT_YUAN_SLIP_WAN),
                        ("PROGRESS_YUAN_SLIP_RATIO", PROGRESS_YUAN_SLIP_RATIO),
                        ("PROGRESS_OVERRUN_RATIO", PROGRESS_OVERRUN_RATIO),
                        ("MONEY_PER_EMPLOYEE_WARN_WAN", MONEY_PER_EMPLOYEE_WARN_WAN),
                        ("MONEY_PER_MU_WARN_WAN", MONEY_PER_MU_WARN_WAN),
                        ("PROJECT_MONEY_WARN_WAN", PROJECT_MONEY_WARN_WAN)]:
        assert f"`{name}` = {value:,}" in text
