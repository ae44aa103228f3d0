"""Types shared by the API schemas."""

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator


def decimal_text(value: Decimal | None) -> str | None:
    """Money, land and energy leave the API as exact decimal text ("1234.5"), never as floats."""
    return None if value is None else format(value.normalize(), "f")


# A schema field read from a DecimalField: the model's Decimal becomes its exact text.
DecimalText = Annotated[str | None, BeforeValidator(lambda v: decimal_text(v) if isinstance(v, Decimal) else v)]
