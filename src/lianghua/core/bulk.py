"""Plain SQL for many rows at once: what the bulk writers share (imports of 100,000 rows take seconds).

Django's `bulk_create` / `bulk_update` spend ~150 µs a row compiling SQL. So rows stay plain dicts and
are written with one parameterised `INSERT … VALUES (%s, …)` / `UPDATE … SET … WHERE id = %s` through
`cursor.executemany` (COPY on PostgreSQL) — plain SQL that SQLite and PostgreSQL run alike, each value
prepared by its field's own `get_db_prep_save`. One query per chunk fetches the rows that already
exist; new rows get their ids back the same way. No history here: the audited writer built on these is
`lianghua.audit.bulk.rows_upsert`.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

FETCH_CHUNK = 5000  # values per IN (...) list: below SQLite's variable limit, few round trips
WRITE_BATCH = 5000  # rows per executemany call

Row = dict[str, Any]
if TYPE_CHECKING:
    AnyField = models.Field[Any, Any]  # django-stubs' generic field; plain Field at run time
else:
    AnyField = models.Field
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

def chunks(values: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def writable_fields(model: type[models.Model]) -> list[AnyField]:
    """The concrete fields a bulk write sends: all but the primary key."""
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _preparer(f: AnyField, conn: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How a non-null value of this field goes to the database (None: as it is). Text, numbers and
    dates pass as they are on PostgreSQL (psycopg adapts them in C). Datetimes go through the backend
    once per distinct value (an import stamps one `now`); JSON through the field. On SQLite a Decimal or
    a date goes as its text, which is what Django's registered sqlite3 adapters send, without the adapter
    lookup per value (a third of the INSERT time of a row of yearly figures)."""
    if isinstance(f, models.JSONField):
        return lambda value: f.get_db_prep_save(value, conn)
    if isinstance(f, models.DateTimeField):
        cache: dict[Any, Any] = {}

        def prepared(value: Any) -> Any:
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


def _parameters(rows: Sequence[Row], plan: list[tuple[str, Callable[[Any], Any] | None]]) -> list[tuple[Any, ...]]:
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
    plan = [(f.attname, _preparer(f, conn)) for f in writable_fields(model)]
    _prepared_insert(model, (_parameters(chunk, plan) for chunk in chunks(rows, WRITE_BATCH)))


def _prepared_insert(model: type[models.Model], batches: Iterable[Sequence[Sequence[Any]]]) -> None:
    """INSERT rows given as batches of value sequences in `writable_fields(model)` order, already prepared."""
    fields = writable_fields(model)
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
    by_attname = {f.attname: f for f in writable_fields(model)}
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


def _in_condition(model: type[models.Model], attname: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """SQL and parameters for "`attname` is among `values`". PostgreSQL gets the list as one array
    parameter (`= ANY(%s)`, adapted by psycopg in C) instead of 5,000 placeholders each quoted in Python."""
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    column = next(f for f in model._meta.concrete_fields if f.attname == attname)
    target = f"{quote(model._meta.db_table)}.{quote(column.column)}"
    if conn.vendor == "postgresql":
        return f"{target} = ANY(%s)", [list(values)]
    return f"{target} IN ({', '.join(['%s'] * len(values))})", list(values)


def where_in(queryset: models.QuerySet[M], model: type[M], attname: str, values: Sequence[Any]) -> models.QuerySet[M]:
    """queryset restricted to rows whose `attname` is among `values` (plain str/int/date values).

    The same as filter(<attname>__in=values), without Django preparing each value of the list through
    its lookup machinery — for 100,000 keys that costs more than running the query. `extra` is the
    documented way to add a parameterised WHERE.
    """
    condition, params = _in_condition(model, attname, values)
    return queryset.extra(where=[condition], params=params)


def key_getter(key: Sequence[str]) -> Callable[[Row], tuple[Any, ...]]:
    """The row's key as a tuple, taken in C."""
    if len(key) == 1:
        only = key[0]
        return lambda row: (row[only],)
    return itemgetter(*key)


def _stored_reader(f: AnyField, conn: BaseDatabaseWrapper) -> Callable[[list[Any]], list[Any]]:
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

    def read(column: list[Any]) -> list[Any]:
        for converter in converters:
            column = [converter(v, col, conn) for v in column]
        return column

    return read


def existing_by_key(model: type[models.Model], key: Sequence[str], keys: Iterable[tuple[Any, ...]],
                    attnames: Sequence[str]) -> dict[tuple[Any, ...], Row]:
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
    key_of = key_getter(key)
    found: dict[tuple[Any, ...], Row] = {}
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


def ids_assign(model: type[models.Model], key: Sequence[str], inserted: Sequence[Row], last_id: int) -> None:
    """Give the rows just inserted their ids: the rows above the largest id before the insert, matched on
    the key as it was sent (on SQLite a date as its text, read back as text so that no converter parses
    it). A plain cursor: Django's converters cost more than the query for a million rows."""
    conn = connections[DEFAULT_DB_ALIAS]
    quote = conn.ops.quote_name
    by_attname = {f.attname: f for f in writable_fields(model)}
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




def rows_read(queryset: models.QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A `values_list` queryset's rows as the database driver gives them, without Django's per-value
    converters (which cost ~1.5 µs a decimal on SQLite: a second for 60,000 rows of ten figures). Numbers
    come as int, float or Decimal by backend, dates on SQLite as ISO text: the caller converts what it
    reads."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
