"""What changed in a record, as an officer reads it: each field by its Chinese name, before → after in
display form (a region by its name, a choice by its label, money without trailing zeros, a date as
2025-03-01, 是/否). The import's dry run and every 修改记录 tab describe changes with this one function.

It reads both kinds of "before/after": rows as the bulk writer holds them (Python values) and the JSON
snapshots of ChangeRecord (text), through the model field's own `to_python`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from lianghua.core.formatting import EMPTY, datetime_text, decimal_plain, yes_no

Values = Mapping[str, Any]  # attname -> value (a row or a snapshot)


@dataclass(frozen=True)
class FieldChange:
    field: str  # the attname
    label: str  # the field's Chinese name
    before: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "before": self.before, "after": self.after}


def _described_fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The fields a person changes: not the id, timestamps the database keeps, or derived fields."""
    return {f.attname: f for f in model._meta.concrete_fields
            if not f.primary_key and f.editable
            and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)}


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(field, models.ForeignKey):
        return value
    try:
        return field.to_python(value)
    except Exception:  # a snapshot written by an older version: show it as it is
        return value


def _text(field: models.Field[Any, Any], value: Any, related: Mapping[Any, str]) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(field, models.ForeignKey):
        return related.get(value, related.get(str(value), EMPTY))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Decimal):
        return decimal_plain(value)
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def changes_described(model: type[models.Model], pairs: Sequence[tuple[Values | None, Values | None]],
                      *, labels: Mapping[str, str] | None = None) -> list[list[FieldChange]]:
    """For each (before, after) pair — None before a creation and after a deletion — the fields that
    differ, in the model's field order. `labels` names fields otherwise (the import's column headers).
    The records foreign keys point to are read once for all pairs."""
    fields = _described_fields(model)
    parsed: list[list[tuple[models.Field[Any, Any], Any, Any]]] = []
    wanted: dict[str, set[Any]] = defaultdict(set)
    for before, after in pairs:
        differing = []
        for name, field in fields.items():
            old = _value(field, (before or {}).get(name))
            new = _value(field, (after or {}).get(name))
            if old == new or (before is not None and after is not None and name not in after):
                continue
            differing.append((field, old, new))
            if isinstance(field, models.ForeignKey):
                wanted[name].update(v for v in (old, new) if v is not None)
        parsed.append(differing)
    related = {name: _related_texts(fields[name], ids) for name, ids in wanted.items()}
    labels = labels or {}
    return [[FieldChange(field.attname, labels.get(field.attname) or str(field.verbose_name),
                         _text(field, old, related.get(field.attname, {})),
                         _text(field, new, related.get(field.attname, {})))
             for field, old, new in differing] for differing in parsed]


def _related_texts(field: models.Field[Any, Any], ids: Iterable[Any]) -> dict[Any, str]:
    """id -> how the pointed-to record is shown (its str), for ids given as numbers or text."""
    target = field.related_model
    assert target is not None and not isinstance(target, str)
    keys = {int(i) if isinstance(i, str) and i.isdigit() else i for i in ids}
    shown = {pk: str(obj) for pk, obj in target._base_manager.in_bulk(list(keys)).items()}
    return {**shown, **{str(pk): text for pk, text in shown.items()}}
