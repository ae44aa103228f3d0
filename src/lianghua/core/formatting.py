"""How numbers are written for people and for exact text (one module: pages, exports, CLI and API)."""

from decimal import Decimal


def decimal_plain(value: Decimal) -> str:
    """A Decimal as exact text without trailing zeros or exponent: 120.0000 -> "120", 12.5000 -> "12.5",
    1E+2 -> "100" (stored decimals carry 4 places; SQLite and PostgreSQL then read the same)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
