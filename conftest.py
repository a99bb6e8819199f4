"""Fixtures for the whole suite."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client

from tending.testing.personas import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that check the real hasher restore it themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached reports are keyed by record identifiers; each test starts with none.
    from django.core.cache import cache

    from tending.revisions.services import clear_caches

    cache.clear()
    clear_caches()
    yield
    cache.clear()
    clear_caches()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def http() -> Client:
    return Client()


_triggers = importlib.import_module("tending.audit.migrations.0002_append_only_triggers")


def _audit_triggers(*, up: bool) -> None:
    from django.db import connection

    statements = {
        "sqlite": _triggers.SQLITE_UP if up else _triggers.SQLITE_DOWN,
        "postgresql": _triggers.POSTGRES_UP if up else _triggers.POSTGRES_DOWN,
    }[connection.vendor]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture
def _audit_locked_again(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _audit_triggers(up=True)


@pytest.fixture
def committed(_audit_locked_again, transactional_db):
    """Rows really committed, which another connection or process can see.

    Clearing them afterwards needs the audit trail's append-only triggers lifted, and put
    back once the database is empty again.
    """
    yield
    _audit_triggers(up=False)
