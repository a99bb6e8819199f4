"""Add the licence of a dependency whose package metadata does not declare one to the SBOM.

`make sbom` runs this after cyclonedx-py. Each entry below was read from the licence file the
package ships (its wheel's `*.dist-info/licenses/`); an entry whose package already declares
a licence, or that is no longer a dependency, is an error, so the list cannot go stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# package name -> (SPDX identifier, where it was read)
UNDECLARED = {
    "pyrage": ("MIT", "pyrage-1.4.0.dist-info/licenses/LICENSE: The MIT License (MIT)"),
}


def main(path: Path) -> None:
    document = json.loads(path.read_text())
    found = set()
    for component in document["components"]:
        entry = UNDECLARED.get(component["name"])
        if entry is None:
            continue
        if component.get("licenses"):
            sys.exit(f"{component['name']} now declares its licence: remove it from {__file__}")
        component["licenses"] = [{"license": {"id": entry[0]}}]
        found.add(component["name"])
    missing = set(UNDECLARED) - found
    if missing:
        sys.exit(f"not dependencies any more: {', '.join(sorted(missing))}; remove them")
    path.write_text(json.dumps(document, indent=2, sort_keys=True))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
