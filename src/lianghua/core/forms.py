"""What every record form shares: figures shown as a person writes them ("7098.91", not the column's
"7098.9100"), typed as text with the phone's decimal keypad."""

from decimal import Decimal
from typing import Any

from django import forms

from .formatting import decimal_plain


class PlainDecimalInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return decimal_plain(value)
        return super().format_value(value)


class RecordForm(forms.ModelForm):
    """A ModelForm whose decimal fields use PlainDecimalInput."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField) and not isinstance(field.widget, PlainDecimalInput):
                field.widget = PlainDecimalInput()
