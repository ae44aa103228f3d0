"""Insert-or-update many rows by their natural key, with row history: what the bulk services share.

One query per chunk fetches the rows that already exist, new rows go in with `bulk_create`, changed rows
with one `INSERT … ON CONFLICT (id) DO UPDATE` per batch (Django's `update_conflicts`, the same SQL on
SQLite and PostgreSQL; `bulk_update`'s CASE expressions are several times slower), and every created or
changed row gets a ChangeRecord with its values before and after. Unchanged rows are not touched.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from lianghua.audit.models import ChangeRecord
from lianghua.audit.services import change_records_bulk, snapshot

FETCH_CHUNK = 5000  # values per IN (...) list: below SQLite's variable limit, few round trips
WRITE_BATCH = 2000


@dataclass
class UpsertResult:
    created: list[models.Model] = field(default_factory=list)
    updated: list[tuple[models.Model, dict[str, Any]]] = field(default_factory=list)  # (row, before)
    unchanged: int = 0

    @property
    def created_count(self) -> int:
        return len(self.created)

    @property
    def updated_count(self) -> int:
        return len(self.updated)


def _chunks(values: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def existing_by_key(model: type[models.Model], key: Sequence[str], keys: Iterable[tuple]) -> dict[tuple, Any]:
    """The rows of `model` whose key (a tuple of attnames) is among `keys`, fetched by the first key
    field in chunks and matched on the whole key in Python."""
    keys = list(keys)
    first_values = sorted({k[0] for k in keys})
    wanted = set(keys) if len(key) > 1 else None
    found: dict[tuple, Any] = {}
    for chunk in _chunks(first_values, FETCH_CHUNK):
        for row in model.objects.filter(**{f"{key[0]}__in": chunk}):
            row_key = tuple(getattr(row, f) for f in key)
            if wanted is None or row_key in wanted:
                found[row_key] = row
    return found


def rows_upsert(
    *,
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    by,
    import_batch=None,
    describe: Callable[[models.Model], str],
    prepare: Callable[[models.Model], None] | None = None,
    derived_fields: Sequence[str] = (),
) -> UpsertResult:
    """Create or update `rows` (dicts of attname -> value, each holding the key fields).

    A row's fields absent from its dict keep their stored value. `prepare` runs on every new or changed
    instance before it is written, to fill `derived_fields` (such as Credential.level_rank).
    `describe` gives the row's text for the history without touching related rows (no query per row).
    """
    result = UpsertResult()
    if not rows:
        return result
    existing = existing_by_key(model, key, (tuple(r[f] for f in key) for r in rows))
    to_create: list[models.Model] = []
    changed_fields: set[str] = set()
    for values in rows:
        current = existing.get(tuple(values[f] for f in key))
        if current is None:
            instance = model(**values)
            if prepare:
                prepare(instance)
            to_create.append(instance)
            continue
        diff = [f for f, v in values.items() if getattr(current, f) != v]
        if not diff:
            result.unchanged += 1
            continue
        before = snapshot(current)
        for f in diff:
            setattr(current, f, values[f])
        if prepare:
            prepare(current)
        changed_fields.update(diff)
        result.updated.append((current, before))

    if to_create:
        result.created = model.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
    if result.updated:
        concrete = {f.attname: f for f in model._meta.concrete_fields}
        # auto_now fields (updated_at) are refreshed by pre_save during the insert; write them too.
        refreshed = {a for a, f in concrete.items() if getattr(f, "auto_now", False)}
        update_fields = sorted((changed_fields | refreshed | set(derived_fields)) - {model._meta.pk.attname})
        model.objects.bulk_create(
            [row for row, _ in result.updated],
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=[model._meta.pk.name],
            update_fields=[concrete[a].name for a in update_fields],
        )

    label = model._meta.label_lower
    change_records_bulk(
        actor=by,
        model_label=label,
        rows=[(str(o.pk), describe(o), ChangeRecord.Action.CREATE, None, snapshot(o)) for o in result.created]
        + [(str(o.pk), describe(o), ChangeRecord.Action.UPDATE, before, snapshot(o)) for o, before in result.updated],
        import_batch=import_batch,
    )
    return result
