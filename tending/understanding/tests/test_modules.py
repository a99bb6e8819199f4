"""The module files load, say what the brief asks, and a broken one fails `tending check`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tending.understanding import definitions
from tending.understanding.checks import check_understanding_modules
from tending.understanding.definitions import SHARED_PROMPTS, ModuleError, read_modules

SHIPPED = definitions.MODULES_DIR


def test_it_loads_the_four_modules_in_reading_order():
    modules = read_modules()
    assert list(modules) == ["tricky-brain", "three-systems", "shaped-by-life", "not-my-fault"]
    for module in modules.values():
        assert module.layer == 2 and "compassionate-understanding" in module.processes
        assert module.lever == "support"
        assert 2 <= len(module.sections) <= 8
        assert all(len(p) <= 420 for s in module.sections for p in s.paragraphs)
        assert [p.text for p in module.prompts[1:]] == list(SHARED_PROMPTS.values())
        assert module.sources


def test_each_module_cites_the_fact_sheet_sources():
    sources = " ".join(s for m in read_modules().values() for s in m.sources)
    assert "British Journal of Clinical Psychology, 53, 6-41" in sources
    assert "Distinctive Features, ch. 18" in sources
    assert "CFT Made Simple, ch. 5" in sources


def test_the_text_has_the_ideas_each_module_is_for():
    modules = read_modules()

    def text(key: str) -> str:
        return " ".join(p for s in modules[key].sections for p in s.paragraphs).lower()

    assert "loop" in text("tricky-brain") and "rumination" in text("tricky-brain")
    assert "not a map" in text("three-systems")
    assert all(word in text("three-systems") for word in ("threat", "drive", "soothe"))
    assert "different family" in text("shaped-by-life") and "genes" in text("shaped-by-life")
    assert "responsibility" in text("not-my-fault") and "blame" in text("not-my-fault")


def test_the_shipped_files_pass_the_system_check():
    assert check_understanding_modules() == []


def _copy_with(tmp_path: Path, change) -> Path:
    for path in SHIPPED.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if path.stem == "three-systems":
            change(data)
        (tmp_path / path.name).write_text(yaml.safe_dump(data))
    return tmp_path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("sources"), "fields missing ['sources']"),
        (lambda d: d["prompts"][1].update(text="Does this make sense?"), "worded exactly"),
        (lambda d: d["sections"][0]["paragraphs"].append("x" * 500), "1 to 420 characters"),
        (lambda d: d.update(key="three-circles"), "must match the file name"),
        (lambda d: d.update(processes=["mind-reading"]), "unknown values"),
        (lambda d: d.update(position=1), "same position"),
        (lambda d: d.update(layer=7), "layer must be one of"),
    ],
)
def test_a_broken_module_file_fails_the_check(tmp_path, monkeypatch, change, message):
    directory = _copy_with(tmp_path, change)
    with pytest.raises(ModuleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_modules(directory)
    monkeypatch.setattr(definitions, "MODULES_DIR", directory)
    with pytest.raises(SystemCheckError, match=r"understanding\.E001"):
        call_command("check")


def test_a_file_that_is_not_yaml_fails_the_check(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("key: [unclosed")
    monkeypatch.setattr(definitions, "MODULES_DIR", tmp_path)
    with pytest.raises(SystemCheckError, match=r"broken\.yaml"):
        call_command("check")
