from __future__ import annotations

from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "tending.assignments"
    label = "assignments"
    verbose_name = "Homework"

    def load_demo_data(self) -> str:
        """Called by `tending demo-data` after the demo organisations exist."""
        from tending.assignments.demo import load_homework

        return f"Homework: {load_homework()} new assignments."
