"""The module files load, say what the brief asks, and a broken one fails `tending check`."""

from __future__ import annotations

import re
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


def _prompt(data, number, **changes):
    data["prompts"][number].update(changes)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("sources"), "three-systems.yaml: sources: Field required"),
        (lambda d: d.update(sources=[]), "sources: has 0 entries; at least 1 needed"),
        (lambda d: d.update(sources=["x"] * 9), "sources: has 9 entries; at most 8 allowed"),
        (lambda d: d.update(sources=["A book.", "x" * 301]), "sources[1]: has 301 characters"),
        (
            lambda d: _prompt(d, 1, text="Does this make sense?"),
            "prompts[1].text: 'makes-sense' must be worded exactly: Does it make sense",
        ),
        (lambda d: _prompt(d, 0, key="makes-sense"), "prompts[1].key: 'makes-sense' is used twice"),
        (
            lambda d: _prompt(d, 2, key="what-else"),
            "prompts: needs 'what-might-help' worded exactly: Given that, what might help?",
        ),
        (lambda d: _prompt(d, 0, key="Own Question"), "prompts[0].key: String should match"),
        (lambda d: _prompt(d, 0, text="x" * 201), "prompts[0].text: has 201 characters"),
        (lambda d: d["prompts"].pop(0), "prompts: has 2 entries; at least 3 needed"),
        (lambda d: _prompt(d, 0, hint="x"), "prompts[0].hint: is not a field here"),
        (
            lambda d: d["sections"][0].update(paragraphs=["Short.", "x" * 421]),
            "sections[0].paragraphs[1]: has 421 characters; at most 420 allowed",
        ),
        (lambda d: d["sections"][0].update(paragraphs=[]), "sections[0].paragraphs: has 0"),
        (
            lambda d: d["sections"][0].update(paragraphs=["x"] * 5),
            "sections[0].paragraphs: has 5 entries; at most 4 allowed",
        ),
        (lambda d: d["sections"][0].update(heading="x" * 81), "sections[0].heading: has 81"),
        (lambda d: d["sections"][0].pop("heading"), "sections[0].heading: Field required"),
        (lambda d: d["sections"][0].update(note="x"), "sections[0].note: is not a field here"),
        (lambda d: d.update(sections=d["sections"][:1]), "sections: has 1 entries; at least 2"),
        (lambda d: d.update(sections=d["sections"][:1] * 9), "sections: has 9 entries; at most 8"),
        (lambda d: d.update(key="three-circles"), "key: 'three-circles' must match the file"),
        (lambda d: d.update(processes=["mind-reading"]), "processes[0]: Input should be 'soothe"),
        (lambda d: d.update(processes=[]), "processes: has 0 entries; at least 1 needed"),
        (
            lambda d: d.update(processes=["safeness"] * 5),
            "processes: has 5 entries; at most 4 allowed",
        ),
        (lambda d: d.update(position=1), "position: 1 is also the position of three-systems"),
        (lambda d: d.update(position=101), "position: Input should be less than or equal to 100"),
        (lambda d: d.update(version=0), "version: Input should be greater than or equal to 1"),
        (lambda d: d.update(minutes=31), "minutes: Input should be less than or equal to 30"),
        (lambda d: d.update(layer=7), "three-systems.yaml: layer: Input should be 1, 2, 3 or 4"),
        (lambda d: d.update(lever="nudge"), "lever: Input should be 'support', 'model'"),
        (lambda d: d.update(title="x" * 81), "title: has 81 characters; at most 80 allowed"),
        (lambda d: d.update(summary=" "), "summary: String should have at least 1 character"),
        (lambda d: d.update(summery="x"), "summery: is not a field here; check its spelling"),
    ],
)
def test_a_broken_module_file_fails_the_check(tmp_path, monkeypatch, change, message):
    directory = _copy_with(tmp_path, change)
    with pytest.raises(ModuleError, match=re.escape(message)):
        read_modules(directory)
    monkeypatch.setattr(definitions, "MODULES_DIR", directory)
    with pytest.raises(SystemCheckError, match=r"understanding\.E001"):
        call_command("check")


def test_the_text_is_read_as_one_line_per_paragraph(tmp_path):
    def spread(data):
        data["sections"][0]["paragraphs"][0] = "  Your   brain\nis old.  "

    modules = read_modules(_copy_with(tmp_path, spread))
    assert modules["three-systems"].sections[0].paragraphs[0] == "Your brain is old."


def test_a_file_that_is_not_yaml_fails_the_check(tmp_path, monkeypatch):
    (tmp_path / "broken.yaml").write_text("key: [unclosed")
    monkeypatch.setattr(definitions, "MODULES_DIR", tmp_path)
    with pytest.raises(SystemCheckError, match=r"broken\.yaml"):
        call_command("check")
