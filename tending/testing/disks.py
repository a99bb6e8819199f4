"""A small disk of its own for tests that fill one up (a tmpfs; needs root to mount)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of `size` (as mount's -o size=) at `mount`, or skip the test saying why."""
    mount.mkdir(exist_ok=True)
    mounted = subprocess.run(  # noqa: S603  # nosec B603  # fixed program, our own arguments
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],  # noqa: S607  # nosec B607
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)  # noqa: S603, S607  # nosec
