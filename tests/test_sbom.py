"""The committed SBOM (docs/security/sbom.cdx.json) matches the pinned dependencies.

`make sbom` writes it from a fresh environment holding only Tending's runtime dependencies,
installed from constraints.txt. When a pin or a dependency changes, these tests fail until
`make sbom` is run again (ASVS 15.1.2; reliability plan T47).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SBOM = ROOT / "docs" / "security" / "sbom.cdx.json"
AGAIN = "run `make sbom` to bring docs/security/sbom.cdx.json up to date"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return {canonical(line.split("==")[0]): line.split("==")[1] for line in lines if "==" in line}


def project() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def sbom() -> dict[str, Any]:
    return json.loads(SBOM.read_text())


def components() -> dict[str, str]:
    return {canonical(c["name"]): c["version"] for c in sbom()["components"]}


def test_it_is_a_cyclonedx_sbom_of_tending():
    document = sbom()
    assert document["bomFormat"] == "CycloneDX"
    root = document["metadata"]["component"]
    assert (root["name"], root["version"]) == (project()["name"], project()["version"]), AGAIN


def test_it_lists_every_component_at_its_pinned_version():
    pinned = pins()
    wrong = {
        name: (version, pinned.get(name, "not pinned"))
        for name, version in components().items()
        if pinned.get(name) != version
    }
    assert wrong == {}, AGAIN


def test_it_lists_every_runtime_dependency():
    listed = components()
    for requirement in project()["dependencies"]:
        name, version = re.split(r"==", requirement)
        name = canonical(name.split("[")[0])
        assert listed.get(name) == version, f"{name}: {AGAIN}"


def test_it_names_a_license_and_package_url_for_each_component():
    for component in sbom()["components"]:
        assert component["purl"].startswith("pkg:pypi/"), component["name"]
        assert component.get("licenses"), component["name"]
