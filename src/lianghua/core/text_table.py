"""Aligned text tables for the terminal, counting a CJK character as two columns."""

import unicodedata


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * (width - display_width(text))
    return space + text if right else text + space


def text_table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> list[str]:
    """Lines of a table: header, rule, rows; the columns whose index is in `numeric` right-aligned."""
    widths = [max(display_width(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(_pad(h, w, i in numeric) for i, (h, w) in enumerate(zip(headers, widths, strict=True)))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_pad(c, w, i in numeric) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    return [line.rstrip() for line in lines]
