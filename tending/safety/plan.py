"""Safety plan workflows: saving versions, marking the plan reviewed, what changed.

A plan is written together by the client and their clinician. Every save is a new,
immutable version, so nobody's words are overwritten: a save started from an older version
than the latest is refused (`PlanChanged`) and the form is shown again with what was typed.
Each write records its audit row in the same transaction; identifiers only, never the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tending.accounts.access import signed_in_user
from tending.accounts.client_rows import locked_client_row
from tending.accounts.models import ClientProfile, Organisation, User
from tending.audit.services import record
from tending.revisions import services as revisions
from tending.safety.models import SafetyPlan, SafetyPlanVersion
from tending.safety.plan_parts import PLAN_PART_KEYS, PLAN_PARTS, PlanPart
from tending.web.text import normalise


@dataclass(frozen=True)
class Saved:
    """What a save did: made a version, found nothing to change, or recognised a retry."""

    version: SafetyPlanVersion | None
    outcome: Literal["created", "unchanged", "replayed"]


class PlanChanged(Exception):
    """Someone saved a newer version after this person opened the page."""

    def __init__(self, latest: SafetyPlanVersion, base: SafetyPlanVersion | None) -> None:
        super().__init__(f"version {latest.number} was saved after version {base and base.number}")
        self.latest = latest
        self.base = base


class NothingToReview(Exception):
    """The plan has no words yet."""


def latest_version(client: ClientProfile) -> SafetyPlanVersion | None:
    """Return the client's latest plan version, or None when nothing is written yet."""
    return (
        SafetyPlanVersion.objects.filter(plan__client=client)
        .select_related("plan")
        .order_by("-number")
        .first()
    )


def professionals_prefill(organisation: Organisation) -> str:
    """Return the organisation's crisis contacts as lines of text, one per service, to start
    the "professionals" part of a new plan."""
    lines = []
    for contact in organisation.crisis_contacts.all():
        ways = [f"call {contact.phone}" if contact.phone else ""]
        ways.append(f"text {contact.text_number}" if contact.text_number else "")
        line = f"{contact.name}: {', '.join(way for way in ways if way)}"
        if contact.description:
            line += f" ({contact.description})"
        lines.append(line)
    return "\n".join(lines)


def starting_texts(client: ClientProfile) -> dict[str, str]:
    """Return what the form starts with: the latest words, or for a new plan the crisis
    contacts in the professionals part."""
    latest = latest_version(client)
    if latest is not None:
        return latest.texts()
    return {"professionals": professionals_prefill(client.organisation)}


def changed_parts(newer: SafetyPlanVersion, older: SafetyPlanVersion | None) -> list[PlanPart]:
    """Return the parts whose words differ between two versions, in the plan's order."""
    before = older.texts() if older else {}
    after = newer.texts()
    return [part for part in PLAN_PARTS if before.get(part.key, "") != after[part.key]]


def shown_in_crisis(
    *, request: HttpRequest, client: ClientProfile, page: str
) -> SafetyPlanVersion | None:
    """Return the plan to show on a crisis page (help, after a risk answer), recording that
    it was shown; None when nothing is written yet."""
    version = latest_version(client)
    if version is not None:
        record(
            action="safety_plan.viewed",
            request=request,
            client=client,
            target=version.plan,
            detail={"page": page, "version": version.number},
        )
    return version


@transaction.atomic
def save_version(
    *,
    request: HttpRequest,
    client: ClientProfile,
    author: User,
    role: str,
    based_on: int,
    token: UUID,
    texts: dict[str, str],
) -> Saved:
    """Save `texts` as the next version of the client's plan, once.

    The same token again returns the version it made. A save that started from an older
    version than the latest raises PlanChanged and stores nothing. Words identical to the
    latest version make no new version.
    """
    plan = locked_client_row(SafetyPlan, client)
    replayed = plan.versions.filter(token=token).first()
    if replayed is not None:
        return Saved(replayed, "replayed")
    latest = plan.versions.first()
    if latest is not None and based_on != plan.version:
        raise PlanChanged(latest, plan.versions.filter(number=based_on).first())
    texts = {key: normalise(texts.get(key, "")) for key in PLAN_PART_KEYS}
    if latest.texts() == texts if latest else not any(texts.values()):
        return Saved(latest, "unchanged")
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=plan.version + 1,
        token=token,
        author=author,
        author_role=role,
        author_name=author.name,
        **texts,
    )
    plan.version = version.number
    plan.save(update_fields=["version", "updated_at"])
    record(
        action="safety_plan.version_saved",
        request=request,
        client=client,
        target=version,
        detail={"version": version.number, "author_role": role},
    )
    return Saved(version, "created")


@transaction.atomic
def mark_reviewed(*, request: HttpRequest, plan: SafetyPlan, version: int) -> SafetyPlan:
    """Record that the signed-in clinician reviewed `version` of the plan, now.

    Raises PlanChanged when a newer version was saved after they opened it (they have not
    read it), and NothingToReview when nothing is written yet.
    """
    locked = SafetyPlan.objects.select_for_update().select_related("client").get(pk=plan.pk)
    if locked.version == 0:
        raise NothingToReview
    if version != locked.version:
        latest = locked.versions.get(number=locked.version)
        raise PlanChanged(latest, locked.versions.filter(number=version).first())
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = signed_in_user(request)
    locked.reviewed_version = locked.version
    locked.save(update_fields=["reviewed_at", "reviewed_by", "reviewed_version", "updated_at"])
    record(
        action="safety_plan.reviewed",
        request=request,
        client=locked.client,
        target=locked,
        detail={"version": locked.version},
    )
    revisions.client_changed(locked.client)  # "not reviewed since the last risk answer"
    return locked
