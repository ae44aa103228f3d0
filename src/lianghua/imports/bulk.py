"""Insert-or-update many rows by their natural key, with row history: what the bulk services share.

Imports of 100,000 rows must take seconds (issue 2 §3), and Django's `bulk_create` / `bulk_update`
spend ~150 µs a row compiling SQL. So rows stay plain dicts and are written with one parameterised
`INSERT … VALUES (%s, …)` / `UPDATE … SET … WHERE id = %s` through `cursor.executemany` — plain SQL that
SQLite and PostgreSQL run alike, each value prepared by its field's own `get_db_prep_save`. One query
per chunk fetches the rows that already exist; new rows get their ids back the same way. Every created
or changed row gets a ChangeRecord (before/after) whose snapshots the database takes from the stored
rows (`history_recorded`); unchanged rows are not touched.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.conf import settings
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


def chunks(values: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _preparer(f: models.Field, conn) -> Callable[[Any], Any] | None:
    """How a non-null value of this field goes to the database (None: as it is). Text, numbers and
    dates pass as they are on PostgreSQL (psycopg adapts them in C). Datetimes go through the backend
    once per distinct value (an import stamps one `now`); JSON through the field. On SQLite a Decimal or
    a date goes as its text, which is what Django's registered sqlite3 adapters send, without the adapter
    lookup per value (a third of the INSERT time of a row of yearly figures)."""
    if isinstance(f, models.JSONField):
        return lambda value: f.get_db_prep_save(value, conn)
    if isinstance(f, models.DateTimeField):
        cache: dict[Any, Any] = {}

        def prepared(value):
            if value not in cache:
                cache[value] = f.get_db_prep_save(value, conn)
            return cache[value]

        return prepared
    if conn.vendor == "sqlite":
        if isinstance(f, models.DecimalField):
            return str
        if isinstance(f, models.DateField):  # what Django's registered date adapter sends
            return date.isoformat
    return None


def _parameters(rows: Sequence[Row], plan: list[tuple[str, Callable[[Any], Any] | None]]) -> list[tuple]:
    """The executemany parameters of `rows`, built column by column: itemgetter takes each column in C,
    only the columns that need preparing are touched in Python, and zip makes the rows in C."""
    columns = []
    for attname, prepare in plan:
        column = list(map(itemgetter(attname), rows))
        if prepare is not None:
            column = [value if value is None else prepare(value) for value in column]
        columns.append(column)
    return list(zip(*columns, strict=True))


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
    _prepared_insert(model, (_parameters(chunk, plan) for chunk in chunks(rows, WRITE_BATCH)))


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
                for chunk in chunks(rows, WRITE_BATCH):
                    for params in _parameters(chunk, plan):
                        copy.write_row(params)
            cursor.execute(f"UPDATE {table} AS target SET {', '.join(f'{c} = staging.{c}' for c in columns)} "
                           f"FROM {staging} AS staging WHERE target.{pk} = staging.{pk}")
            cursor.execute(f"DROP TABLE {staging}")
            return
        sql = (f"UPDATE {table} SET {', '.join(f'{quote(by_attname[a].column)} = %s' for a in attnames)} "
               f"WHERE {quote(model._meta.pk.column)} = %s")
        for chunk in chunks(rows, WRITE_BATCH):
            cursor.executemany(sql, _parameters(chunk, plan))


def _in_condition(model: type[models.Model], attname: str, values: Sequence) -> tuple[str, list]:
    """SQL and parameters for "`attname` is among `values`". PostgreSQL gets the list as one array
    parameter (`= ANY(%s)`, adapted by psycopg in C) instead of 5,000 placeholders each quoted in Python."""
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    column = next(f for f in model._meta.concrete_fields if f.attname == attname)
    target = f"{quote(model._meta.db_table)}.{quote(column.column)}"
    if conn.vendor == "postgresql":
        return f"{target} = ANY(%s)", [list(values)]
    return f"{target} IN ({', '.join(['%s'] * len(values))})", list(values)


def where_in(queryset: models.QuerySet, model: type[models.Model], attname: str, values: Sequence) -> models.QuerySet:
    """queryset restricted to rows whose `attname` is among `values` (plain str/int/date values).

    The same as filter(<attname>__in=values), without Django preparing each value of the list through
    its lookup machinery — for 100,000 keys that costs more than running the query. `extra` is the
    documented way to add a parameterised WHERE.
    """
    condition, params = _in_condition(model, attname, values)
    return queryset.extra(where=[condition], params=params)


def _key_getter(key: Sequence[str]) -> Callable[[Row], tuple]:
    """The row's key as a tuple, taken in C."""
    if len(key) == 1:
        only = key[0]
        return lambda row: (row[only],)
    return itemgetter(*key)


def _stored_reader(f: models.Field, conn) -> Callable[[list], list]:
    """A column of stored values as Python values to compare with an import's: Django's own converters
    for the field, except a Decimal on SQLite (stored there as REAL or INTEGER), which becomes the
    Decimal of its shortest repr — equal to Django's quantized Decimal for the at most 15 digits our
    columns hold, at a fraction of the cost (Django's took 1 µs a value, most of a re-import's reading)."""
    if isinstance(f, models.DecimalField) and conn.vendor == "sqlite":
        return lambda column: [v if v is None else (Decimal(repr(v)) if type(v) is float else Decimal(v))
                               for v in column]
    col = f.get_col(f.model._meta.db_table)
    converters = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
    if not converters:
        return lambda column: column

    def read(column: list) -> list:
        for converter in converters:
            column = [converter(v, col, conn) for v in column]
        return column

    return read


def existing_by_key(model: type[models.Model], key: Sequence[str], keys: Iterable[tuple],
                    attnames: Sequence[str]) -> dict[tuple, Row]:
    """The stored rows of `model` whose key (a tuple of attnames) is among `keys`, as dicts of "id" and
    `attnames`, fetched by the first key field in chunks, matched on the whole key. Read with a plain
    cursor and converted column by column."""
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    keys = list(keys)
    wanted = set(keys) if len(key) > 1 else None
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    names = ["id", *attnames]
    readers = [_stored_reader(by_attname[name], conn) for name in names]
    select = (f"SELECT {', '.join(quote(by_attname[name].column) for name in names)} "
              f"FROM {quote(model._meta.db_table)} WHERE ")
    key_of = _key_getter(key)
    found: dict[tuple, Row] = {}
    with conn.cursor() as cursor:
        for chunk in chunks(sorted({k[0] for k in keys}), FETCH_CHUNK):
            condition, params = _in_condition(model, key[0], chunk)
            cursor.execute(select + condition, params)
            stored = cursor.fetchall()
            if not stored:
                continue
            columns = [read(list(column)) for read, column in zip(readers, zip(*stored, strict=True), strict=True)]
            for values in zip(*columns, strict=True):
                row = dict(zip(names, values, strict=True))
                row_key = key_of(row)
                if wanted is None or row_key in wanted:
                    found[row_key] = row
    return found


HISTORY_STAGING = "import_history_staging"


def _snapshot_sql(model: type[models.Model], alias: str, vendor: str) -> str:
    """SQL for the row `alias` of `model` as JSON in the form audit.services.snapshot gives (every
    concrete field by attname; Decimal as text, dates and datetimes in ISO 8601), built by the database
    from the stored row: the history records what was stored, and costs no Python per row.

    SQLite builds it with json_object. PostgreSQL's jsonb_build_object looks up the type of every
    argument on every row and takes twice as long as concatenating the text and parsing it as jsonb
    (0.99 s against 0.52 s for 100,000 rows of yearly figures), so there the text is concatenated."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    if vendor == "postgresql":
        members = []
        for f in model._meta.concrete_fields:
            column = f"{alias}.{quote(f.column)}"
            if isinstance(f, models.BooleanField):
                value = f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 'true' ELSE 'false' END"
            elif isinstance(f, models.DecimalField):
                value = f"to_json({column}::text)::text"
            elif isinstance(f, models.JSONField) or _is_integer(f):
                value = f"{column}::text"
            else:  # text, dates, timestamptz (ISO 8601; the session is in UTC), escaped by to_json
                value = f"to_json({column})::text"
            members.append(f"'\"{f.attname}\":' || coalesce({value}, 'null')")
        text = " || ',' || ".join(members)
        return f"CAST('{{' || {text} || '}}' AS jsonb)"
    pairs = []
    for f in model._meta.concrete_fields:
        column = f"{alias}.{quote(f.column)}"
        if isinstance(f, models.BooleanField):
            value = f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN json('true') ELSE json('false') END"
        elif isinstance(f, models.DecimalField):
            value = f"CAST({column} AS TEXT)"
        elif isinstance(f, models.DateTimeField):
            # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]", in UTC when USE_TZ.
            value = f"replace({column}, ' ', 'T')" + (" || '+00:00'" if settings.USE_TZ else "")
        elif isinstance(f, models.JSONField):
            value = f"json({column})"
        else:
            value = column
        pairs.append(f"'{f.attname}', {value}")
    # SQLite functions take at most 127 arguments: wider rows are merged from several objects.
    parts = [f"json_object({', '.join(pairs[i:i + 60])})" for i in range(0, len(pairs), 60)]
    return parts[0] if len(parts) == 1 else f"json_patch({', '.join(parts)})"


def _is_integer(f: models.Field) -> bool:
    """Ids, foreign keys to them, counts."""
    return isinstance(f.target_field if f.is_relation else f, models.IntegerField)


@contextmanager
def history_recorded(*, model: type[models.Model], by, import_batch, created: Sequence[Row],
                     updated: Sequence[Row], describe: Callable[[Row], str]) -> Iterator[None]:
    """One ChangeRecord per created and updated row (rows with their "id"), with the row as stored
    before (updated rows: snapshot taken on entry) and after (on exit): wrap the UPDATE of `updated`.

    The ids, texts and actions go to a temporary table (COPY on PostgreSQL, executemany elsewhere); the
    database then takes the snapshots and writes the records with one INSERT … SELECT. Building the JSON
    in Python and sending it row by row was most of an import's time.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    if not created and not updated:
        yield
        return
    quote, vendor = conn.ops.quote_name, conn.vendor
    table, staging = quote(model._meta.db_table), quote(HISTORY_STAGING)
    create, update = ChangeRecord.Action.CREATE, ChangeRecord.Action.UPDATE
    staged = [(row["id"], describe(row)[:200], create) for row in created]
    staged += [(row["id"], describe(row)[:200], update) for row in updated]
    snapshot_of = _snapshot_sql(model, "t", vendor)
    with conn.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        id_type, before_type = ("bigint", "jsonb") if vendor == "postgresql" else ("integer", "text")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} (object_id {id_type} PRIMARY KEY, object_repr text, "
                       f"action text, before {before_type})")
        if vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {staging} (object_id, object_repr, action) FROM STDIN") as copy:
                for values in staged:
                    copy.write_row(values)
        else:
            for chunk in chunks(staged, WRITE_BATCH):
                cursor.executemany(f"INSERT INTO {staging} (object_id, object_repr, action) VALUES (%s, %s, %s)",
                                   chunk)
        if updated:
            cursor.execute(f"UPDATE {staging} SET before = (SELECT {snapshot_of} FROM {table} AS t "
                           f"WHERE t.{quote(model._meta.pk.column)} = {staging}.object_id) WHERE action = %s",
                           [update])
    yield
    history = ChangeRecord._meta
    columns = ", ".join(quote(history.get_field(name).column) for name in (
        "at", "actor", "model", "object_pk", "object_repr", "action", "before", "after", "import_batch"))
    at = history.get_field("at").get_db_prep_save(timezone.now(), conn)
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history.db_table)} ({columns}) "
            f"SELECT %s, %s, %s, CAST(s.object_id AS TEXT), s.object_repr, s.action, s.before, {snapshot_of}, %s "
            f"FROM {staging} AS s JOIN {table} AS t ON t.{quote(model._meta.pk.column)} = s.object_id "
            f"ORDER BY s.object_id",
            [at, getattr(by, "pk", None), model._meta.label_lower, getattr(import_batch, "pk", None)])
        cursor.execute(f"DROP TABLE {staging}")


def _ids_assign(model: type[models.Model], key: Sequence[str], inserted: Sequence[Row], last_id: int) -> None:
    """Give the rows just inserted their ids: the rows above the largest id before the insert, matched on
    the key as it was sent (on SQLite a date as its text, read back as text so that no converter parses
    it). A plain cursor: Django's converters cost more than the query for a million rows."""
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    by_attname = {f.attname: f for f in _fields(model)}
    columns = []
    for name in key:
        column = quote(by_attname[name].column)
        as_text = conn.vendor == "sqlite" and isinstance(by_attname[name], models.DateField)
        columns.append(f"CAST({column} AS TEXT)" if as_text else column)
    sent_keys = _parameters(inserted, [(name, _preparer(by_attname[name], conn)) for name in key])
    pk = quote(model._meta.pk.column)
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}, {pk} FROM {quote(model._meta.db_table)} WHERE {pk} > %s",
                       [last_id])
        ids = {tuple(found[:-1]): found[-1] for found in cursor.fetchall()}
    for row, sent in zip(inserted, sent_keys, strict=True):
        row["id"] = ids[sent]


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
    # Stamped fields (created_at, updated_at) are not read: imports never compare them.
    existing = existing_by_key(model, key, map(key_of, rows),
                               [f.attname for f in fields if f.attname not in stamped])
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
        _ids_assign(model, key, to_insert, last_id)
        result.created = to_insert
    updated = [after for _, after in result.updated]
    with history_recorded(model=model, by=by, import_batch=import_batch, created=result.created,
                          updated=updated, describe=describe):
        rows_update(model, updated, sorted(changed_fields | set(refreshed) | set(derived_fields)))
    return result
