"""Plain-SQL loading and inserting for the few queries that run on every request.

Every signed-in page loads the user with their membership, the two-step device and often a
client record, and writes an audit event. Building those queries through the ORM cost about a
millisecond each on this project's benchmark machine, many times the lookup itself, and the
same SQL was built again on every request. Here the SQL is built once per model, join path
and database vendor, from the models' own metadata, and rows become model instances with the
same converters the ORM applies (so encrypted fields, UUIDs and dates come back exactly as the
ORM would give them; `tests/test_fastsql.py` checks that against the ORM on both
databases). Anything more varied than these few lookups stays with the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models.fields.related import ForeignObjectRel

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]
# (column index, the converters to apply in order, the column they are for)
Converters = tuple[tuple[int, tuple[Converter, ...], Any], ...]


@dataclass(frozen=True)
class _Part:
    """One model in the join: where its columns sit in the row, and where it hangs."""

    model: type[models.Model]
    start: int
    attnames: tuple[str, ...]
    converters: Converters
    parent: int | None  # index of the part it hangs from
    cache_name: str  # the name it is cached under on the parent
    reverse_cache_name: str  # the name the parent is cached under on it ("" if none)


@dataclass(frozen=True)
class _Plan:
    sql: str
    parts: tuple[_Part, ...]


_plans: dict[tuple[Any, ...], _Plan] = {}
_inserts: dict[
    tuple[str, type[models.Model], bool], tuple[str, tuple[models.Field[Any, Any], ...]]
] = {}


_value_converters: dict[tuple[str, tuple[models.Field[Any, Any], ...]], Converters] = {}


def _converters(
    connection: Any, fields: Sequence[models.Field[Any, Any]], alias: str | None, start: int
) -> Converters:
    """The ORM's converters for columns `start`, `start + 1`, ... coming from `fields`."""
    found = []
    for offset, field in enumerate(fields):
        column = field.get_col(alias or field.model._meta.db_table)
        functions = tuple(
            connection.ops.get_db_converters(column) + field.get_db_converters(connection)  # type: ignore[attr-defined]
        )
        if functions:
            found.append((start + offset, functions, column))
    return tuple(found)


def _convert(row: list[Any], converters: Converters, connection: Any) -> None:
    """Turn the raw values in `row` into what the ORM would return, in place."""
    for index, functions, column in converters:
        for function in functions:
            row[index] = function(row[index], column, connection)


def _columns(
    connection: Any, model: type[models.Model], alias: str, start: int
) -> tuple[list[str], tuple[str, ...], Converters]:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    select = [f"{quote(alias)}.{quote(field.column)}" for field in fields]
    converters = _converters(connection, fields, alias, start)
    return select, tuple(field.attname for field in fields), converters


def _plan(
    connection: Any,
    model: type[models.Model],
    where: str,
    joins: Sequence[str],
    join_on: tuple[tuple[str, str], ...] = (),
    annotations: tuple[tuple[str, str], ...] = (),
) -> _Plan:
    key = (connection.vendor, model, where, tuple(joins), join_on, annotations)
    conditions = dict(join_on)
    plan = _plans.get(key)
    if plan is not None:
        return plan
    quote = connection.ops.quote_name
    select, attnames, converters = _columns(connection, model, "t0", 0)
    parts = [_Part(model, 0, attnames, converters, None, "", "")]
    sql_from = [f"{quote(model._meta.db_table)} {quote('t0')}"]
    known = {"": 0}
    for path in joins:
        parent_path, _, name = path.rpartition("__")
        parent_index = known[parent_path]
        parent = parts[parent_index]
        parent_alias = f"t{parent_index}"
        field = parent.model._meta.get_field(name)
        alias = f"t{len(parts)}"
        if isinstance(field, ForeignObjectRel):  # a reverse one-to-one, e.g. user.membership
            if not field.one_to_one and path not in conditions:
                raise TypeError(f"{path} is many rows: pick one with join_on")
            related: type[models.Model] = field.related_model  # type: ignore[assignment]
            on = (
                f"{quote(alias)}.{quote(field.field.column)} = "
                f"{quote(parent_alias)}.{quote(parent.model._meta.pk.column)}"
            )
            cache_name, reverse_name = field.cache_name, field.field.cache_name
            if not field.one_to_one:  # one row of a reverse foreign key, cached under its path
                cache_name, reverse_name = path, ""
        else:  # a forward foreign key or one-to-one
            if not isinstance(field, models.ForeignKey):
                raise TypeError(f"{path} is not a foreign key or a one-to-one")
            related = field.related_model  # type: ignore[assignment]
            on = (
                f"{quote(alias)}.{quote(related._meta.pk.column)} = "
                f"{quote(parent_alias)}.{quote(field.column)}"
            )
            cache_name = field.cache_name
            reverse_name = field.remote_field.cache_name if field.one_to_one else ""
        columns, attnames, converters = _columns(connection, related, alias, len(select))
        start = len(select)
        parts.append(
            _Part(related, start, attnames, converters, parent_index, cache_name, reverse_name)
        )
        select += columns
        if path in conditions:
            on = f"{on} AND ({conditions[path]})"
        sql_from.append(f"LEFT JOIN {quote(related._meta.db_table)} {quote(alias)} ON {on}")
        known[path] = len(parts) - 1
    select += [f"({expression})" for _, expression in annotations]
    # Names come from the models; `where` is the caller's constant SQL; values are parameters.
    sql = f"SELECT {', '.join(select)} FROM {' '.join(sql_from)} WHERE {where}"  # noqa: S608  # nosec B608
    plan = _Plan(sql, tuple(parts))
    _plans[key] = plan
    return plan


def fetch_one(
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    joins: Sequence[str] = (),
    join_on: tuple[tuple[str, str], ...] = (),
    annotations: tuple[tuple[str, str], ...] = (),
) -> M | None:
    """Return the first row of `model` matching `where`, with `joins` loaded as select_related.

    `where` is SQL over the table aliased `t0` (joined tables are `t1`, `t2`, ... in the order
    of `joins`), with `%s` placeholders for `params`; write it as a constant, never from input.
    Params are prepared as the ORM would be for the column they are compared with only if the
    caller does so: pass UUIDs through `uuid_param`.

    `join_on` adds a constant condition to a join's ON clause, as (path, SQL) pairs; their
    placeholders' values come first in `params`, in the order of `joins`. It is what lets a
    join follow a reverse foreign key to at most one row (the user's device with a given id);
    that row, or None, is left in the parent's `_state.fields_cache` under the path's name.

    `annotations` are (name, SQL) pairs of constant scalar expressions over the same aliases,
    without placeholders; each value is set on the returned instance under its name, raw from
    the database, as `QuerySet.annotate` would set it.
    """
    alias = router.db_for_read(model)
    connection = connections[alias]
    plan = _plan(connection, model, where, joins, join_on, annotations)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, list(params))
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    instances: list[models.Model | None] = []
    for part in plan.parts:
        _convert(row, part.converters, connection)
        values = row[part.start : part.start + len(part.attnames)]
        pk_index = part.attnames.index(part.model._meta.pk.attname)
        if part.parent is not None and values[pk_index] is None:
            instance = None
        else:
            instance = part.model.from_db(alias, part.attnames, values)
        instances.append(instance)
        if part.parent is not None:
            parent = instances[part.parent]
            if parent is not None:
                parent._state.fields_cache[part.cache_name] = instance
                if instance is not None and part.reverse_cache_name:
                    instance._state.fields_cache[part.reverse_cache_name] = parent
    found = instances[0]
    for offset, (name, _) in enumerate(annotations, start=len(row) - len(annotations)):
        setattr(found, name, row[offset])
    return found  # type: ignore[return-value]


def fetch_values(
    sql: str, params: Sequence[Any], fields: Sequence[models.Field[Any, Any]], *, using: str
) -> list[tuple[Any, ...]]:
    """Run `sql` (constant, with `%s` placeholders) and convert each column as its field would.

    `fields` names, in order, the model field each selected column comes from, so its value
    comes back as the ORM would return it (a UUID, an aware datetime, decrypted text).
    """
    connection = connections[using]
    key = (connection.vendor, tuple(fields))
    converters = _value_converters.get(key)
    if converters is None:
        converters = _value_converters[key] = _converters(connection, fields, None, 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    converted = []
    for row in rows:
        values = list(row)
        _convert(values, converters, connection)
        converted.append(tuple(values))
    return converted


def uuid_param(model: type[models.Model], field_name: str, value: Any) -> Any:
    """Prepare `value` to compare with `field_name` as the ORM would (UUIDs differ by vendor)."""
    connection = connections[router.db_for_read(model)]
    return model._meta.get_field(field_name).get_db_prep_value(value, connection)  # type: ignore[union-attr]


def insert(instance: models.Model, *, flush_later: bool = False) -> None:
    """INSERT `instance` (a new row with an auto primary key) without the ORM's query building.

    Fields are prepared as a save would prepare them (`pre_save`, so `auto_now_add` is set), but
    no signals are sent: use it only for models that nothing listens to, such as audit events.

    `flush_later` (PostgreSQL, outside a transaction only): the row commits at once but without
    waiting for the disk, in one round trip: the statement sets `synchronous_commit` off for its
    own transaction (`set_config(..., true)` is `SET LOCAL`), where BEGIN, SET LOCAL, INSERT and
    COMMIT would take four.
    """
    model = type(instance)
    alias = router.db_for_write(model)
    connection = connections[alias]
    relaxed = flush_later and connection.vendor == "postgresql"
    statement = _inserts.get((connection.vendor, model, relaxed))
    if statement is None:
        quote = connection.ops.quote_name
        fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
        columns = ", ".join(quote(field.column) for field in fields)
        pk = quote(model._meta.pk.column)
        table = quote(model._meta.db_table)
        if relaxed:
            # The values are cast to their columns' types: in a SELECT, PostgreSQL would
            # otherwise take an untyped parameter for text.
            casts = ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in fields)
            sql = (
                f"INSERT INTO {table} ({columns}) SELECT {casts}"  # noqa: S608  # nosec B608
                " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"
                f" RETURNING {pk}"
            )
        else:
            placeholders = ", ".join("%s" for _ in fields)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608  # nosec B608
        statement = _inserts[(connection.vendor, model, relaxed)] = (sql, fields)
    sql, fields = statement
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = alias
