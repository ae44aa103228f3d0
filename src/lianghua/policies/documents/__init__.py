"""The subsidy documents' rules, one module per document (named for its data file's id). The engine
reads their rules and hooks in this order: 001, 003, 002 (002 has no rules of its own)."""

from . import jiaxing_2020_003, jiaxing_2022_draft_001, jiaxing_2024_002

RULE_SETS = (jiaxing_2022_draft_001.rules, jiaxing_2020_003.rules, jiaxing_2024_002.rules)
