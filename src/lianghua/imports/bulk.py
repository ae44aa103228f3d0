"""Insert-or-update many rows by their natural key, with row history: what the bulk services share.

Imports of 100,000 rows must take seconds (issue 2 §3), and Django's `bulk_create` / `bulk_update`
spend ~150 µs a row compiling SQL. So rows stay plain dicts and are written with one parameterised
`INSERT … VALUES (%s, …)` / `UPDATE … SET … WHERE id = %s` through `cursor.executemany` — plain SQL that
SQLite and PostgreSQL run alike, each value prepared by its field's own `get_db_prep_save`. One query
per chunk fetches the rows that already exist; new rows get their ids back the same way. Every created
or changed row gets a ChangeRecord (before/after), written the same way; unchanged rows are not touched.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from lianghua.audit.models import ChangeRecord

FETCH_CHUNK = 5000  # values per IN (...) list: below SQLite's variable limit, few round trips
WRITE_BATCH = 5000  # rows per executemany call

Row = dict[str, Any]


@dataclass
class UpsertResult:
    created: list[Row] = field(default_factory=list)  # the rows as written, with their "id"
    updated: list[tuple[Row, Row]] = field(default_factory=list)  # (before, after)
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


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _preparer(f: models.Field, conn) -> Callable[[Any], Any] | None:
    """How a value of this field goes to the database (None: as it is). Text, numbers, Decimal and
    dates pass as they are on both backends (Django's SQLite backend registers the Decimal and date
    adapters). Datetimes go through the backend once per distinct value (an import stamps one `now`);
    JSON is encoded to text here (Decimal and dates as text, as audit.snapshot writes them)."""
    if isinstance(f, models.JSONField):
        return _json_text_encoder()
    if isinstance(f, models.DateTimeField):
        cache: dict[Any, Any] = {}

        def prepared(value):
            if value not in cache:
                cache[value] = f.get_db_prep_save(value, conn)
            return cache[value]

        return prepared
    return None


def _json_text_encoder() -> Callable[[Row], str]:
    """A row as JSON text: Decimal and dates as text, as audit.services.snapshot renders them, the rest
    as json.dumps writes it (", " and ": " separators, non-ASCII escaped — the text Django's JSONField
    stores on SQLite; PostgreSQL parses it into jsonb). One C encoder built once per column, not per
    row as json.dumps does, whose `default` hook only sees the Decimal and date values; a batch stamps
    one `now` and repeats few dates, so their text is kept."""
    dates: dict[Any, str] = {}

    def default(value):
        kind = type(value)
        if kind is Decimal:
            return str(value)
        if kind is datetime or kind is date:
            # Equal aware datetimes may differ in zone or fold, and so in text: both are part of the key.
            key = (value, value.tzinfo, value.fold) if kind is datetime else value
            text = dates.get(key)
            if text is None:
                text = dates[key] = value.isoformat()
            return text
        raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")

    make = json.encoder.c_make_encoder
    if make is None:  # the pure-Python json module (never on CPython builds we deploy)
        encoder = json.JSONEncoder(default=default)
        return encoder.encode
    iterate = make(None, default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
    join = "".join
    return lambda row: join(iterate(row, 0))


def _parameters(rows: Sequence[Row], plan: list[tuple[str, Callable[[Any], Any] | None]]) -> list:
    """The executemany parameters of `rows`: itemgetter takes the values in C; only the columns that
    need preparing (datetimes, JSON) are touched in Python."""
    getter = itemgetter(*(a for a, _ in plan)) if len(plan) > 1 else (lambda row: (row[plan[0][0]],))
    prepared = [(i, prep) for i, (_, prep) in enumerate(plan) if prep is not None]
    if not prepared:
        return [getter(row) for row in rows]
    params = []
    for row in rows:
        values = list(getter(row))
        for i, prep in prepared:
            if values[i] is not None:
                values[i] = prep(values[i])
        params.append(values)
    return params


def rows_insert(model: type[models.Model], rows: Sequence[Row]) -> None:
    """INSERT full rows (every concrete non-pk attname present).

    PostgreSQL: COPY … FROM STDIN (psycopg adapts every value in C; DESIGN §2 measured 0.5–2M rows/s),
    where Django's client-side-binding cursor would quote each parameter in Python. Other backends
    (SQLite): executemany of a one-row INSERT (sqlite3 steps the one prepared statement in C; Django
    rewrites the placeholders once per call instead of once per multi-row statement).
    """
    if not rows:
        return
    conn = connections[DEFAULT_DB_ALIAS]
    plan = [(f.attname, _preparer(f, conn)) for f in _fields(model)]
    _prepared_insert(model, (_parameters(chunk, plan) for chunk in _chunks(rows, WRITE_BATCH)))


def _prepared_insert(model: type[models.Model], batches: Iterable[Sequence[Sequence]]) -> None:
    """INSERT rows given as batches of value sequences in `_fields(model)` order, already prepared."""
    fields = _fields(model)
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for batch in batches:
                    for params in batch:
                        copy.write_row(params)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for batch in batches:
            cursor.executemany(sql, batch)


def rows_update(model: type[models.Model], rows: Sequence[Row], attnames: Sequence[str]) -> None:
    """UPDATE the given columns of rows (dicts with "id").

    PostgreSQL: COPY the new values into a temporary table, then one UPDATE … FROM it. Other backends
    (SQLite): executemany of UPDATE … WHERE id = %s, which SQLite runs in-process at full speed.
    """
    if not rows:
        return
    by_attname = {f.attname: f for f in _fields(model)}
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    table = quote(model._meta.db_table)
    plan = [(a, _preparer(by_attname[a], conn)) for a in attnames] + [("id", None)]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            staging = quote(f"staging_{model._meta.db_table}")
            columns = [quote(by_attname[a].column) for a in attnames]
            pk = quote(model._meta.pk.column)
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {', '.join(columns)}, {pk} "
                           f"FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {staging} ({', '.join(columns)}, {pk}) FROM STDIN") as copy:
                for chunk in _chunks(rows, WRITE_BATCH):
                    for params in _parameters(chunk, plan):
                        copy.write_row(params)
            cursor.execute(f"UPDATE {table} AS target SET {', '.join(f'{c} = staging.{c}' for c in columns)} "
                           f"FROM {staging} AS staging WHERE target.{pk} = staging.{pk}")
            cursor.execute(f"DROP TABLE {staging}")
            return
        sql = (f"UPDATE {table} SET {', '.join(f'{quote(by_attname[a].column)} = %s' for a in attnames)} "
               f"WHERE {quote(model._meta.pk.column)} = %s")
        for chunk in _chunks(rows, WRITE_BATCH):
            cursor.executemany(sql, _parameters(chunk, plan))


def where_in(queryset: models.QuerySet, model: type[models.Model], attname: str, values: Sequence) -> models.QuerySet:
    """queryset restricted to rows whose `attname` is among `values` (plain str/int/date values).

    The same as filter(<attname>__in=values), without Django preparing each value of the list through
    its lookup machinery — for 100,000 keys that costs more than running the query. `extra` is the
    documented way to add a parameterised WHERE; the SQL is the same on SQLite and PostgreSQL.
    """
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    column = next(f for f in model._meta.concrete_fields if f.attname == attname)
    placeholders = ", ".join(["%s"] * len(values))
    return queryset.extra(where=[f"{quote(model._meta.db_table)}.{quote(column.column)} IN ({placeholders})"],
                          params=list(values))


def _key_getter(key: Sequence[str]) -> Callable[[Row], tuple]:
    """The row's key as a tuple, taken in C."""
    if len(key) == 1:
        only = key[0]
        return lambda row: (row[only],)
    return itemgetter(*key)


def existing_by_key(model: type[models.Model], key: Sequence[str], keys: Iterable[tuple],
                    attnames: Sequence[str] | None = None) -> dict[tuple, Row]:
    """The stored rows of `model` whose key (a tuple of attnames) is among `keys`, as dicts of `attnames`
    (default: every concrete field), fetched by the first key field in chunks, matched on the whole key."""
    keys = list(keys)
    wanted = set(keys) if len(key) > 1 else None
    names = ["id", *(attnames if attnames is not None else [f.attname for f in _fields(model)])]
    key_of = _key_getter(key)
    found: dict[tuple, Row] = {}
    for chunk in _chunks(sorted({k[0] for k in keys}), FETCH_CHUNK):
        for row in where_in(model.objects.all(), model, key[0], chunk).order_by().values(*names):
            row_key = key_of(row)
            if wanted is None or row_key in wanted:
                found[row_key] = row
    return found


HISTORY_COLUMNS = ("at", "actor_id", "model", "object_pk", "object_repr", "action", "before", "after",
                   "import_batch_id")


def history_write(*, model: type[models.Model], by, import_batch, created: Sequence[Row],
                  updated: Sequence[tuple[Row, Row]], describe: Callable[[Row], str]) -> int:
    """One ChangeRecord per created and updated row: the same rows audit.change_records_bulk writes,
    inserted with executemany (its bulk_create would be most of an import's time)."""
    now = timezone.now()
    actor_id, label, batch_id = getattr(by, "pk", None), model._meta.label_lower, getattr(import_batch, "pk", None)
    if [f.attname for f in _fields(ChangeRecord)] == list(HISTORY_COLUMNS):
        # The value tuples straight away, in column order: no dict per record to take apart again.
        conn = connections[DEFAULT_DB_ALIAS]
        at = ChangeRecord._meta.get_field("at").get_db_prep_save(now, conn)
        encode = _json_text_encoder()
        create, update = ChangeRecord.Action.CREATE, ChangeRecord.Action.UPDATE
        params = [(at, actor_id, label, str(row["id"]), describe(row)[:200], create, None, encode(row), batch_id)
                  for row in created]
        params += [(at, actor_id, label, str(after["id"]), describe(after)[:200], update, encode(before),
                    encode(after), batch_id) for before, after in updated]
        _prepared_insert(ChangeRecord, _chunks(params, WRITE_BATCH))
        return len(params)
    base = {"at": now, "actor_id": actor_id, "model": label, "import_batch_id": batch_id}
    records = [{**base, "object_pk": str(row["id"]), "object_repr": describe(row)[:200],
                "action": ChangeRecord.Action.CREATE, "before": None, "after": row} for row in created]
    records += [{**base, "object_pk": str(after["id"]), "object_repr": describe(after)[:200],
                 "action": ChangeRecord.Action.UPDATE, "before": before, "after": after}
                for before, after in updated]
    rows_insert(ChangeRecord, records)
    return len(records)


def rows_upsert(
    *,
    model: type[models.Model],
    rows: Sequence[Row],
    key: Sequence[str],
    by,
    import_batch=None,
    describe: Callable[[Row], str],
    derive: Callable[[Row], None] | None = None,
    derived_fields: Sequence[str] = (),
) -> UpsertResult:
    """Create or update `rows` (dicts of attname -> value, each holding the key fields).

    A new row's absent fields take their defaults; an existing row's absent fields keep their stored
    values. `derive` fills `derived_fields` (Credential.level_rank) of every row written. `describe` gives
    the text of a row for its history.
    """
    result = UpsertResult()
    if not rows:
        return result
    fields = _fields(model)
    now = timezone.now()
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    refreshed = [f.attname for f in fields if getattr(f, "auto_now", False)]
    defaults = {f.attname: f.get_default() for f in fields}
    key_of = _key_getter(key)
    existing = existing_by_key(model, key, map(key_of, rows))
    last_id = model.objects.aggregate(last=models.Max("id"))["last"] or 0
    to_insert: list[Row] = []
    changed_fields: set[str] = set()
    for values in rows:
        current = existing.get(key_of(values))
        if current is None:
            row = {**defaults, **values}
            if derive:
                derive(row)
            for name in stamped:
                row[name] = now
            to_insert.append(row)
            continue
        diff = [f for f, v in values.items() if current[f] != v]
        if not diff:
            result.unchanged += 1
            continue
        after = {**current, **values}
        if derive:
            derive(after)
        for name in refreshed:
            after[name] = now
        changed_fields.update(diff)
        result.updated.append((current, after))

    rows_insert(model, to_insert)
    if to_insert:
        # The new rows' ids: everything above the largest id before the insert, matched on the key.
        ids = {tuple(found[:-1]): found[-1]
               for found in model.objects.filter(id__gt=last_id).order_by().values_list(*key, "id")}
        for row in to_insert:
            row["id"] = ids[key_of(row)]
        result.created = to_insert
    if result.updated:
        written = sorted(changed_fields | set(refreshed) | set(derived_fields))
        rows_update(model, [after for _, after in result.updated], written)
    history_write(model=model, by=by, import_batch=import_batch, created=result.created, updated=result.updated,
                  describe=describe)
    return result
