"""Fixtures for the whole suite."""

from __future__ import annotations

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

    from tending.reports import dashboard

    cache.clear()
    dashboard._computed.clear()
    yield
    cache.clear()
    dashboard._computed.clear()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def http() -> Client:
    return Client()
