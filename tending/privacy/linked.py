"""Which models hold rows about a client, found by walking foreign keys from `ClientProfile`.

Export and erasure are written per model; the tests compare them against this walk, so a model
added later with a path to a client fails the tests until it is exported and erased (or listed
as a documented exception).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from tending.accounts.models import ClientProfile


def client_paths() -> dict[type[models.Model], list[str]]:
    """Return every model with a foreign-key path to `ClientProfile` and its lookup paths.

    `ClientProfile` itself maps to `[""]`; a journal entry part maps to `["entry__client"]`.
    """
    paths: dict[type[models.Model], list[str]] = {ClientProfile: [""]}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            for field in model._meta.get_fields():
                if not (field.concrete and (field.many_to_one or field.one_to_one)):
                    continue
                target = field.related_model
                if not isinstance(target, type) or target not in paths or target is model:
                    continue
                found = paths.setdefault(model, [])
                for base in paths[target]:
                    path = f"{field.name}__{base}" if base else field.name
                    if path not in found and len(found) < 8:
                        found.append(path)
                        changed = True
    return paths


def rows_for(
    model: type[models.Model], paths: list[str], client: ClientProfile
) -> models.QuerySet[models.Model]:
    """Return `model`'s rows that reach `client` along any of `paths`."""
    if paths == [""]:
        return model._base_manager.filter(pk=client.pk)
    query = models.Q()
    for path in paths:
        query |= models.Q(**{path: client})
    return model._base_manager.filter(query).distinct()
