"""Types shared by the API schemas: every Decimal leaves the API as exact decimal text, never a float."""

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator

from .formatting import decimal_text

# A schema field read from a DecimalField: the model's Decimal becomes its exact text ("1234.5").
DecimalText = Annotated[str | None, BeforeValidator(lambda v: decimal_text(v) if isinstance(v, Decimal) else v)]
