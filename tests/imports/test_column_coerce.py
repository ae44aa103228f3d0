"""The fast path of reading a column (imports/validation.py `_column_coerce`: one Decimal over a whole
column in C, or each distinct text coerced once) gives exactly what the plain reading cell by cell
gives, values and errors alike."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lianghua.imports.reading import (
    cell_boolean,
    cell_date,
    cell_decimal,
    cell_integer,
    cell_month,
    cell_text,
)
from lianghua.imports.validation import _column_coerce

ODD_CELLS = st.sampled_from(["", None, "1,234", "１２", "NaN", "1e3", "-0", " 12.50 ", "abc", "是", "否", "2025-03",
                             "2025/3/1", "2025年3月1日", "0.1", "1E+2", "Infinity", "007"])
FIGURES = st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False).map(str)
WHOLE = st.integers(min_value=-10**6, max_value=10**6).map(str)
# Long columns (the fast paths start at 65 cells): mostly distinct figures, or few values repeated.
COLUMNS = st.one_of(
    st.lists(st.one_of(FIGURES, WHOLE), min_size=65, max_size=150),
    st.lists(st.one_of(FIGURES, WHOLE, ODD_CELLS), min_size=65, max_size=150),
    st.lists(st.sampled_from(["1", "2", "3.5", "是", "否", "2025-03"]), min_size=65, max_size=150),
    st.lists(ODD_CELLS, min_size=0, max_size=80),
)


def _plain(coerce, cells):
    try:
        return [coerce(cell) for cell in cells]
    except ValueError:
        return ValueError


def _fast(coerce, cells):
    try:
        return _column_coerce(coerce, list(cells))
    except ValueError:
        return ValueError


@settings(max_examples=150, deadline=None)
@given(cells=COLUMNS)
def test_the_fast_column_reading_is_the_plain_one(cells):
    for coerce in (cell_decimal, cell_integer, cell_text, cell_boolean, cell_date, cell_month):
        fast, plain = _fast(coerce, cells), _plain(coerce, cells)
        assert fast == plain, coerce.__name__
        if isinstance(plain, list):  # the same values to the digit: "12.50" stays 12.50
            assert [str(v) for v in fast] == [str(v) for v in plain], coerce.__name__
            assert all(type(a) is type(b) for a, b in zip(fast, plain, strict=True))


def test_a_clean_long_column_takes_the_fast_path_and_keeps_each_figure():
    cells = [f"{n}.{n % 10}0" for n in range(100)]
    assert _column_coerce(cell_decimal, cells) == [Decimal(c) for c in cells]
