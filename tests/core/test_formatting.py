"""One way to show a number (core/formatting.py): what pages, exports, the CLI and the API print."""

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from lianghua.core.formatting import (
    cell_text,
    datetime_iso,
    datetime_text,
    decimal_text,
    number,
    percent,
    quantity,
    with_unit,
)


def test_the_api_gets_exact_decimal_text():
    assert decimal_text(D(2000) / D(30), 4) == "66.6667"
    assert decimal_text(D("0.055"), 4) == "0.055"
    assert decimal_text(D("4.0000")) == "4" and decimal_text(D("1E+2")) == "100"
    assert decimal_text(D("0.00005"), 4) == "0.0001"   # half-up
    assert decimal_text(D("-0.00001"), 4) == "0"
    assert decimal_text(None) is None


def test_people_get_separators_and_the_units_decimals():
    assert number(D("12345.6000")) == "12,345.6"
    assert quantity(D("262.0470"), "万元") == "262.05" and quantity(D("3820.0180"), "万元") == "3,820.02"
    assert quantity(D("60"), "万元") == "60.00" and quantity(D("134"), "家") == "134"
    assert quantity(D("70.31700288"), "%") == "70.3"
    assert with_unit(D("1941.6300"), "万元") == "1,941.63万元" and with_unit(None, "万元") == "—"
    assert number(D("-0.001"), 2) == "0.00"
    assert percent(D("0.8523")) == "85.2%" and percent(D("0.05555"), 2) == "5.56%" and percent(None) == "—"


def test_times_are_shown_in_shanghai():
    moment = dt.datetime(2026, 12, 1, 20, 28, 27, 223116, tzinfo=dt.UTC)
    assert datetime_text(moment) == "2026-12-02 04:28"
    assert datetime_iso(moment) == "2026-12-02T04:28:27+08:00"
    assert cell_text(moment.astimezone(ZoneInfo("Europe/Paris"))) == "2026-12-02 04:28"
    assert cell_text(dt.date(2025, 6, 30)) == "2025-06-30" and cell_text(True) == "是" and cell_text(None) == "—"
