"""Heavy fault tests (kill -9 loops, tmpfs) run only when asked: `make verify` sets
TENDING_FAULTS_HEAVY=1; `.ci/run` runs them once, short."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Server

from .gunicorn import Gunicorn, own_gunicorn


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TENDING_FAULTS_HEAVY") == "1":
        return
    skip = pytest.mark.skip(reason="heavy fault test: set TENDING_FAULTS_HEAVY=1 (make verify)")
    for item in items:
        if "faults_heavy" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[Gunicorn, Server]]:
    """A Tending of the test's own under gunicorn, with demo data, and a way to run its shell."""
    yield from own_gunicorn(tmp_path)
