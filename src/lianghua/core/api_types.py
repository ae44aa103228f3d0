"""Types shared by the API schemas: every Decimal leaves the API as exact decimal text, never a float."""

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from .formatting import decimal_text

# A schema field read from a DecimalField or computed: the Decimal becomes its exact text ("1234.5"),
# and the OpenAPI schema says so (a string of format "decimal", or null).
DecimalText = Annotated[
    str | None,
    BeforeValidator(lambda v: decimal_text(v) if isinstance(v, Decimal) else v),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "decimal", "examples": ["1234.5"]}, {"type": "null"}]}),
]
