"""T33: a database error at any write of a request saves nothing and says so calmly.

For every write path in `write_paths.WRITE_PATHS`, the request is sent again and again with an
`OperationalError` raised at its 1st, 2nd, ... write (INSERT, UPDATE or DELETE), until it makes
fewer writes than the fault needs and succeeds. Every failed attempt must leave every table as it
was and show the 503 "nothing was saved" page; the final attempt must store the record.

Writes to the session table are left alone: the session is saved after the view has answered,
and a failure there is the 500 page's case ("your last change may not have been saved").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from tending.testing.personas import World, sign_in

from .write_paths import WRITE_PATHS, WritePath

WRITES = ("INSERT", "UPDATE", "DELETE")
# Attempt counters for rate limits count attempts whether or not they succeed, by design.
UNCOMPARED_TABLES = {"django_session", "accounts_ratelimitcount"}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table but sessions and attempt counters, in a stable order."""
    tables = sorted(set(connection.introspection.table_names()) - UNCOMPARED_TABLES)
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


class FailAtWrite:
    """An execute wrapper that raises OperationalError at the `n`th application write."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.writes = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ):
        statement = sql.lstrip().upper()
        if statement.startswith(WRITES) and '"DJANGO_SESSION"' not in statement[:40]:
            self.writes += 1
            if self.writes == self.n:
                raise OperationalError("database is locked (injected by the fault test)")
        return execute(sql, params, many, context)

    @property
    def fired(self) -> bool:
        return self.writes >= self.n


@pytest.mark.parametrize("path", WRITE_PATHS, ids=str)
def test_it_saves_nothing_and_says_so_when_any_write_fails(world: World, path: WritePath):
    post = path.prepare(world)
    before = snapshot()
    n = 0
    while True:
        n += 1
        fault = FailAtWrite(n)
        with connection.execute_wrapper(fault):
            response = post.http.post(post.url, post.form)
        if not fault.fired:
            break
        page = response.content.decode()
        assert response.status_code == 503, f"{path} write {n}: {response.status_code}"
        assert "Nothing was saved" in page and "try again" in page
        assert "Traceback" not in page and "OperationalError" not in page
        assert snapshot() == before, f"{path}: write {n} of the request left rows behind"
        assert not path.stored()
    print(f"T33 {path}: {n - 1} writes, each failed once, 0 partial states")
    assert response.status_code in (302, 303), f"{path}: {response.status_code}"
    assert path.stored(), f"{path}: the request without a fault stored nothing"
    assert n > 1, f"{path}: the request made no writes"


def test_a_database_failure_before_the_view_is_a_calm_503_too(world: World):
    # Loading the session happens in middleware, outside any view: the outage case.
    http = sign_in(Client(raise_request_exception=False), world.client_a.user)

    def session_table_gone(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if "django_session" in sql:
            raise OperationalError("connection to server was lost (injected by the fault test)")
        return execute(sql, *args)

    with connection.execute_wrapper(session_table_gone):
        response = http.get(reverse("today"))
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "We could not reach our records just now" in page and "try again" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_a_bug_in_a_write_stays_a_500_because_trying_again_would_not_help(world: World):
    post = WRITE_PATHS[1].prepare(world)  # the practice log

    def duplicate_row(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT"):
            raise IntegrityError("UNIQUE constraint failed (injected by the fault test)")
        return execute(sql, *args)

    before = snapshot()
    with connection.execute_wrapper(duplicate_row):
        response = post.http.post(post.url, post.form)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert snapshot() == before
