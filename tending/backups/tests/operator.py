"""`tending` run as an operator would: in its own process, with only the settings given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tending.backups.services import Database

ROOT = Path(__file__).resolve().parents[3]


def tending(
    target: Database, data_dir: Path, *arguments: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Run `tending` in its own process against `target`, as an operator restoring would:
    the field-encryption keys from settings, the backup variables given, nothing else."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TENDING_", "DJANGO_", "DATABASE_URL"))
    }
    environment["TENDING_DATA_DIR"] = str(data_dir)
    environment["TENDING_MEDIA_DIR"] = str(data_dir / "media")
    environment["TENDING_FIELD_ENCRYPTION_KEYS"] = ",".join(settings.FIELD_ENCRYPTION_KEYS)
    environment |= variables
    if target.vendor == "sqlite":
        environment["DATABASE_URL"] = f"sqlite:///{target.path}"
    else:
        environment["DATABASE_URL"] = (
            f"postgres://{target.user}:{target.password}@{target.host or '127.0.0.1'}:"
            f"{target.port or 5432}/{target.name}"
        )
    return subprocess.run(
        [sys.executable, "-m", "tending", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
