"""The built-in practice files (`library/*.yaml`): their format and reading them.

Plain Python over plain data: no ORM here. `PracticeDefinition` states the format (`SCHEMA.md`
shows it); `read_library()` returns every practice or raises `LibraryError` naming the file and
the field at fault; the system check turns that into a failed `tending check`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from tending.data_files import DataFile, DataFileError, DataModel, ListOf, OneOf, Text, read_folder

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

PROCESSES = {
    "soothe-system": "Soothe system",
    "body-regulation": "Body regulation",
    "attention-training": "Attention training",
    "distress-tolerance": "Distress tolerance",
    "safeness": "Safeness",
    "compassion-flowing-in": "Compassion flowing in",
    "compassion-flowing-out": "Compassion flowing out",
    "self-compassion": "Self-compassion",
    "compassionate-self": "Compassionate self",
    "compassionate-understanding": "Compassionate understanding",
    "self-criticism": "Working with self-criticism",
    "emotion-awareness": "Emotion awareness",
}
ASPECTS = {
    "motivation": "Motivation and presence",
    "wisdom": "Wisdom",
    "awareness": "Awareness",
    "capacities": "Capacities",
}
LAYERS = {
    1: "Therapeutic relationship",
    2: "Compassionate understanding",
    3: "Mindful awareness",
    4: "Compassion practices",
}
LEVERS = {"support": "Support", "model": "Model", "shape": "Shape", "train": "Train"}
KINDS = {
    "breathing": "Breathing",
    "mindfulness": "Mindfulness",
    "imagery": "Imagery",
    "writing": "Writing",
    "reflection": "Reflection",
}
PLAYERS = {"steps": "Guided steps", "pacer": "Breathing pacer", "timer": "Meditation timer"}


class LibraryError(DataFileError):
    """A practice file is broken; the message names the file, the field and what is wrong."""


class Step(DataModel):
    text: Annotated[Text, Field(max_length=600)] = Field(
        description="What to do or notice, in one to three short sentences."
    )
    seconds: Annotated[int, Field(ge=5, le=600)] | None = Field(
        None, description="Move on to the next step by itself after this many seconds."
    )


class PracticeDefinition(DataFile):
    version: Annotated[int, Field(ge=1, le=10_000)] = Field(
        description="Raise it whenever anything in the file changes; the database row is "
        "updated only when it goes up."
    )
    title: Annotated[Text, Field(max_length=80)] = Field(description="The practice's name.")
    summary: Annotated[Text, Field(max_length=300)] = Field(
        description="One or two plain sentences on what the practice is for."
    )
    layer: Annotated[int, OneOf(LAYERS)] = Field(
        description="The layer of the CFT model it serves, as named in `LAYERS`: 1 the "
        "relationship, 2 understanding, 3 mindful awareness, 4 compassion practices."
    )
    processes: ListOf[Annotated[str, OneOf(PROCESSES)]] = Field(
        min_length=1, description="The processes it trains, one or more."
    )
    aspects: ListOf[Annotated[str, OneOf(ASPECTS)]] = Field(
        min_length=1, description="The aspects of compassion it builds, one or more."
    )
    lever: Annotated[str, OneOf(LEVERS)] = Field(description="How the clinician uses it.")
    kind: Annotated[str, OneOf(KINDS)] = Field(description="What sort of practice it is.")
    minutes: Annotated[int, Field(ge=1, le=60)] = Field(
        description="Its usual length; a practice of half a minute says 1."
    )
    player: Annotated[str, OneOf(PLAYERS)] = Field(
        description="How it plays: the guided steps alone, or the steps then the breathing "
        "pacer or the meditation timer."
    )
    steps: ListOf[Step] = Field(min_length=1, max_length=12, description="The guided steps.")
    cautions: ListOf[Text] = Field(
        description="When to take care or stop, a sentence or two each; may be empty."
    )
    alternatives: ListOf[Text] = Field(
        description="Keys of gentler practices to offer instead; each must be another file "
        "of the library. May be empty."
    )
    sources: ListOf[Text] = Field(min_length=1, description="Where the facts come from.")


def read_library(directory: Path = LIBRARY_DIR) -> dict[str, PracticeDefinition]:
    """Return every built-in practice by key, or raise LibraryError for the first broken file."""
    practices = read_folder(directory, PracticeDefinition, LibraryError)
    for practice in practices.values():
        for number, key in enumerate(practice.alternatives):
            if key == practice.key or key not in practices:
                raise LibraryError(
                    f"{practice.key}.yaml: alternatives[{number}]: {key!r} is not another "
                    "practice of the library"
                )
    return practices
