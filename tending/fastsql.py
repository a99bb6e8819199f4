"""ORM queries compiled once, and plain-SQL loading and inserting, for the few queries that
run on every request.

Every signed-in page loads the user with their membership, the two-step device and often a
client record, and writes an audit event. Building those queries through the ORM cost about a
millisecond each on this project's benchmark machine, many times the lookup itself, and the
same SQL was built again on every request.

- `Precompiled` takes a query written with the ORM (where the rules live, such as the
  caseload rule in `accounts/access.py`), compiles it once per database with stand-in values,
  and afterwards runs the same SQL with the real values, turning rows into what the ORM would
  return. A rule changed in its ORM query changes every fast path built from it.
- `fetch_one` builds SQL from the models' own metadata for lookups by key that state no rule
  (the signed-in user with their membership and device); `insert` writes an audit event.

Rows come back through the converters the ORM applies, so encrypted fields, UUIDs and dates
are exactly as the ORM would give them (`tests/test_fastsql.py` compares them with the ORM,
on both databases). Anything more varied than these few queries stays with the ORM.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.models import query as orm_query
from django.db.models.fields.related import ForeignObjectRel
from django.db.models.query import ModelIterable, QuerySet

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
) -> _Plan:
    key = (connection.vendor, model, where, tuple(joins), join_on)
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
) -> M | None:
    """Return the first row of `model` matching `where`, with `joins` loaded as select_related.

    `where` is SQL over the table aliased `t0` (joined tables are `t1`, `t2`, ... in the order
    of `joins`), with `%s` placeholders for `params`; write it as a constant, never from input.
    Params are passed as they are: compare only integer keys this way (a rule, or a UUID,
    belongs in a `Precompiled` ORM query).

    `join_on` adds a constant condition to a join's ON clause, as (path, SQL) pairs; their
    placeholders' values come first in `params`, in the order of `joins`. It is what lets a
    join follow a reverse foreign key to at most one row (the user's device with a given id);
    that row, or None, is left in the parent's `_state.fields_cache` under the path's name.
    """
    alias = router.db_for_read(model)
    connection = connections[alias]
    plan = _plan(connection, model, where, joins, join_on)
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
    return instances[0]  # type: ignore[return-value]


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


# Stand-ins for the values of a Precompiled query, found again among the compiled parameters.
# Within a 32-bit integer's range: Django compiles an out-of-range integer as "no rows".
_STAND_IN_INTEGER = 1_987_654_300
_STAND_IN_UUID = uuid.UUID("6f1d2b7a-93c4-4e0b-8f5a-2c7d9e1b4a60").int


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, bool], ...]  # (parameter index, value name, as hex text)
    converters: Converters
    model: type[models.Model] | None  # None: rows are value tuples
    init_list: tuple[str, ...]
    model_columns: tuple[int, int]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


R = TypeVar("R")


class Precompiled(Generic[R]):
    """An ORM query stated once, compiled once per database, run with new values.

    `build(**values)` returns the QuerySet; `slots` names its variable values and their types
    (`int` or `uuid.UUID`). The first run on a database calls `build` with stand-in values,
    compiles it, and finds where each stand-in went among the SQL parameters; every run then
    executes that SQL with the real values. `build` must use each value only as a compared
    value (a filter), so that the compiled SQL is the same whatever the values are.
    """

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **slots: type) -> None:
        self._build = build
        self._slots = slots
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()
        self._model: type[models.Model] | None = None

    def first(self, **values: Any) -> R | None:
        """The first row as a model instance (with its select_related and annotations)."""
        alias, compiled, rows = self._run(values, first=True)
        if not rows:
            return None
        assert compiled.model is not None, "first() needs a query of model instances"  # noqa: S101  # nosec B101
        row = rows[0]
        start, end = compiled.model_columns
        instance = compiled.model.from_db(alias, compiled.init_list, row[start:end])
        for populator in compiled.populators:
            populator.populate(row, instance)
        for name, index in compiled.annotations:
            setattr(instance, name, row[index])
        return instance  # type: ignore[return-value]

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        """Every row of a values_list query, each value converted as the ORM would."""
        _, _, rows = self._run(values, first=False)
        return [tuple(row) for row in rows]

    def _run(
        self, values: dict[str, Any], *, first: bool
    ) -> tuple[str, _Compiled, list[list[Any]]]:
        """Execute with `values`; return the alias, the compiled query and the converted rows
        (at most one if `first`)."""
        if values.keys() != self._slots.keys():
            raise TypeError(f"expected values for {sorted(self._slots)}, got {sorted(values)}")
        if self._model is None:
            self._model = self._build(**self._stand_ins()).model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        for index, name, as_hex in compiled.slots:
            params[index] = values[name].hex if as_hex else values[name]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = [list(row) for row in (cursor.fetchmany(1) if first else cursor.fetchall())]
        for row in rows:
            _convert(row, compiled.converters, connection)
        return alias, compiled, rows

    def _stand_ins(self) -> dict[str, Any]:
        stand_ins: dict[str, Any] = {}
        for offset, (name, kind) in enumerate(self._slots.items()):
            if kind is int:
                stand_ins[name] = _STAND_IN_INTEGER + offset
            elif kind is uuid.UUID:
                stand_ins[name] = uuid.UUID(int=_STAND_IN_UUID + offset)
            else:
                raise TypeError(f"{name}: only int and uuid.UUID values can be precompiled")
        return stand_ins

    def _compile(self, alias: str) -> _Compiled:
        with self._lock:
            found = self._compiled.get(alias)
            if found is not None:
                return found
            stand_ins = self._stand_ins()
            queryset = self._build(**stand_ins).using(alias)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            slots = _find_stand_ins(params, stand_ins)
            select = compiler.select[: compiler.col_count]
            converters = _expression_converters(compiler, [column for column, *_ in select])
            model, init_list, span, populators = None, (), (0, 0), ()
            if queryset._iterable_class is ModelIterable:
                klass_info = compiler.klass_info
                columns = klass_info["select_fields"]
                span = (columns[0], columns[-1] + 1)
                model = klass_info["model"]
                init_list = tuple(column.target.attname for column, *_ in select[span[0] : span[1]])
                populators = tuple(
                    orm_query.get_related_populators(  # type: ignore[attr-defined]
                        klass_info, compiler.select, alias
                    )
                )
            compiled = _Compiled(
                sql=sql,
                params=tuple(params),
                slots=slots,
                converters=converters,
                model=model,
                init_list=init_list,
                model_columns=span,
                populators=populators,
                annotations=tuple((compiler.annotation_col_map or {}).items()),
            )
            self._compiled[alias] = compiled
            return compiled


def _find_stand_ins(
    params: Sequence[Any], stand_ins: dict[str, Any]
) -> tuple[tuple[int, str, bool], ...]:
    """Where each stand-in value went among the compiled parameters (UUIDs may go as hex)."""
    slots = []
    for index, param in enumerate(params):
        for name, stand_in in stand_ins.items():
            if type(param) is type(stand_in) and param == stand_in:
                slots.append((index, name, False))
            elif isinstance(stand_in, uuid.UUID) and param == stand_in.hex:
                slots.append((index, name, True))
    missing = set(stand_ins) - {name for _, name, _ in slots}
    if missing:
        raise TypeError(f"{sorted(missing)} did not become SQL parameters: not precompilable")
    return tuple(slots)


def _expression_converters(compiler: Any, expressions: Sequence[Any]) -> Converters:
    """The ORM's converters for the selected expressions, as (index, functions, expression)."""
    return tuple(
        (index, tuple(functions), expression)
        for index, (functions, expression) in compiler.get_converters(expressions).items()
    )
