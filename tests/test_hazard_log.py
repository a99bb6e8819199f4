"""Every test the hazard log cites as a control exists, so a renamed or moved test cannot
leave a hazard pointing at nothing (the log's claims rest on those tests)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAZARD_LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
NODE_ID = re.compile(r"`((?:tending|tests)/[\w/]+\.py)::(\w+)")


def test_every_test_the_hazard_log_cites_exists():
    cited = set(NODE_ID.findall(HAZARD_LOG.read_text()))
    assert len(cited) > 100  # the pattern still finds the log's references
    missing = []
    for path, name in sorted(cited):
        source = ROOT / path
        defined = re.compile(rf"^\s*(?:def|class) {name}\b", re.M)
        if not source.exists() or not defined.search(source.read_text()):
            missing.append(f"{path}::{name}")
    assert missing == [], "the hazard log cites tests that do not exist"
