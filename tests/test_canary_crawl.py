"""Canary crawl (reliability plan T4): every persona browses Tending and sees only their own.

Every text field of every record in the world holds a canary naming who the record belongs
to (`CANARY-<owner>-<field>`). The fields come from the model registry, so a model or field
added later without a canary fails `test_it_plants_a_canary_in_every_text_field`. Each persona
then follows every same-site link from their home page (pages, CSV, PDF, FHIR JSON, audio),
plus every URL the resolver can build from the ids of records they may see, and no response
may carry the canary of a record outside what the rule lets them see.
"""

from __future__ import annotations

import io
import itertools
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from pypdf import PdfReader

from tending.accounts.models import ClientProfile, CrisisContact, Invitation, Membership, User
from tending.assignments.models import Assignment
from tending.formulation.models import FormulationLink
from tending.journal.models import JournalEntry
from tending.measures.definitions import get_definition
from tending.measures.models import MeasureRequest, MeasureWording, Response
from tending.measures.services import submit_response
from tending.practices.models import Practice, PracticeLog, PracticeRecording
from tending.safety.models import (
    ContactDetails,
    RiskAnswer,
    RiskEpisode,
    SafetyPlan,
    SafetyPlanVersion,
)
from tending.testing.formulation_records import (
    add_check_in,
    add_link,
    add_version,
    practice_homework,
)
from tending.testing.journal_records import make_entry, make_reply
from tending.testing.measure_records import PHQ9_POSITIVE
from tending.testing.personas import World, sign_in
from tending.testing.practice_records import make_log, make_practice, make_recording
from tending.testing.session_records import make_own_practice, make_reflection, make_session
from tending.therapy_sessions.models import TherapySession

CANARY = re.compile(r"CANARY-([a-z0-9_]+)")
CLIENTS = ("client_a", "client_b", "client_a2", "client_other")
CLINICIANS = ("clinician_a", "clinician_a2", "clinician_b")
PERSONAS = ("anonymous", "client_a", "client_b", *CLINICIANS, "admin_a")
# Open risk episodes are on the dashboard; closed ones show the clinician's note and let
# homework resume.
ACKNOWLEDGED = ("client_a", "client_b")
PAGE_BUDGET = 160  # pages followed from links, per persona
VARIANTS_PER_PATH = 3  # distinct query strings followed for one path
PAGES_PER_ROUTE = 8  # links followed to one URL name; ids the persona owns are all tried later
DOWNLOADS = (".pdf", ".csv")

# Text fields that hold no words a person wrote or reads about someone: keys, hashes and
# values the server derives. Everything else of type CharField/TextField gets a canary.
NOT_PERSONAL = {
    "accounts.User.password": "a password hash",
    "accounts.ClientProfile.time_zone": "an IANA zone name the scheduler parses",
    "accounts.Invitation.token_hash": "a hash of the invitation token",
    "accounts.RateLimitCount.key": "a hashed rate-limit bucket",
    "practices.Practice.key": "the practice's slug",
    "practices.PracticeRecording.content_type": "derived from the uploaded bytes",
    "practices.PracticeRecording.extension": "derived from the uploaded bytes",
    "measures.MeasureRequest.measure_key": "a definition key",
    "measures.Response.measure_key": "a definition key",
    "measures.Response.band": "computed from the scores",
    "safety.RiskAnswer.measure_key": "a definition key",
    "safety.RiskAnswer.measure_title": "the definition's title, copied with the answer",
    "measures.MeasureWording.measure_key": "a definition key",
    "assignments.Assignment.measure_key": "a definition key",
    "understanding.ModuleProgress.module_key": "a module key",
    "journal.JournalEntry.module_key": "a module key",
    "journal.EntryPart.key": "a step key",
    "therapy_sessions.Reflection.prompt": "a prompt key from prompts.py",
}
NOT_PERSONAL_MODELS = {
    # Written by the application only, holding identifiers (never text), and checked by
    # the audit tests: the admin reads these on the audit log, which the crawl visits.
    "audit.AuditEvent": "identifiers only",
}


def text_fields() -> list[tuple[type[models.Model], str]]:
    """Return every (model, field name) of Tending that holds free text."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("tending.") or model._meta.label in NOT_PERSONAL_MODELS:
            continue
        for model_field in model._meta.concrete_fields:
            is_text = isinstance(model_field, models.CharField | models.TextField)
            is_text = is_text or type(model_field).__name__.startswith("Encrypted")
            label = f"{model._meta.label}.{model_field.name}"
            if is_text and not model_field.choices and label not in NOT_PERSONAL:
                found.append((model, model_field.name))
    return found


# --- Who owns each row: the canary's name decides who may read it ---------------------------


@dataclass
class Owners:
    """Name every row after the person or unit whose visibility rule applies to it."""

    people: dict[int, str]  # user pk -> persona key
    clients: dict[int, str]  # client profile pk -> client key
    organisations: dict[int, str]

    def of(self, row: models.Model) -> str | None:
        """Return the canary owner of `row`, or None for rows that ship with Tending."""
        label = row._meta.label
        if label not in OWNER_RULES:
            raise AssertionError(f"{label} has text fields but no canary owner rule")
        return OWNER_RULES[label](self, row)


def _client_kind(prefix: str) -> Callable[[Owners, Any], str]:
    return lambda owners, row: f"{prefix}_{owners.clients[row.client_id]}"


def _entry_owner(owners: Owners, entry: JournalEntry) -> str:
    kind = "journal_shared" if entry.shared_at else "journal_private"
    return f"{kind}_{owners.clients[entry.client_id]}"


def _log_owner(owners: Owners, log: PracticeLog) -> str:
    kind = "log_shared" if log.note_shared else "log_private"
    return f"{kind}_{owners.clients[log.client_id]}"


def _session_owner(owners: Owners, session: TherapySession) -> str:
    return f"session_{owners.clients[session.client_id]}"


OWNER_RULES: dict[str, Callable[[Owners, Any], str | None]] = {
    "accounts.User": lambda o, row: o.people[row.pk],
    "accounts.Organisation": lambda o, row: o.organisations[row.pk],
    "accounts.CrisisContact": lambda o, row: f"crisis_{o.organisations[row.organisation_id]}",
    "accounts.ClientProfile": lambda o, row: o.clients[row.pk],
    "accounts.Invitation": lambda o, row: f"invitation_{o.organisations[row.organisation_id]}",
    "practices.Practice": lambda o, row: (
        f"practice_{o.organisations[row.organisation_id]}" if row.organisation_id else None
    ),
    "practices.PracticeLog": _log_owner,
    # The clinician's note on a risk episode: clinical only, seen by the primary clinician.
    "safety.RiskEpisode": _client_kind("alert"),
    "safety.ContactDetails": _client_kind("contact"),
    "safety.SafetyPlanVersion": lambda o, row: f"safety_plan_{o.clients[row.plan.client_id]}",
    "measures.MeasureWording": lambda o, row: f"wording_{o.organisations[row.organisation_id]}",
    "assignments.Assignment": _client_kind("homework"),
    "formulation.FormulationVersion": lambda o, row: (
        f"formulation_{o.clients[row.formulation.client_id]}"
    ),
    "formulation.CirclesCheckIn": _client_kind("circles"),
    "journal.JournalEntry": _entry_owner,
    "journal.EntryPart": lambda o, row: _entry_owner(o, row.entry),
    "journal.Reply": lambda o, row: f"journal_reply_{o.clients[row.entry.client_id]}",
    "therapy_sessions.TherapySession": _session_owner,
    "therapy_sessions.LayerNote": lambda o, row: _session_owner(o, row.session),
    "therapy_sessions.SessionAddendum": lambda o, row: _session_owner(o, row.session),
    "therapy_sessions.OwnPractice": lambda o, row: f"own_practice_{o.people[row.clinician_id]}",
    "therapy_sessions.Reflection": lambda o, row: f"reflection_{o.people[row.clinician_id]}",
}


def canary(owner: str, field_name: str, max_length: int | None) -> str:
    text = f"CANARY-{owner}-{field_name}"
    if field_name == "email":
        text = f"{text}@example.test"
    assert max_length is None or len(text) <= max_length, text
    return text


def plant_canaries(owners: Owners) -> None:
    """Overwrite every text field of every row with its owner's canary."""
    by_model: dict[type[models.Model], list[str]] = {}
    for model, name in text_fields():
        by_model.setdefault(model, []).append(name)
    for model, names in by_model.items():
        for row in model._default_manager.all():
            owner = owners.of(row)
            if owner is None:
                continue
            values = {
                name: canary(owner, name, model._meta.get_field(name).max_length) for name in names
            }
            # update() skips save(): no version bumps, audit rows or derived-field logic.
            model._default_manager.filter(pk=row.pk).update(**values)


# --- The world: every persona's records --------------------------------------------------


@dataclass
class CanaryWorld:
    world: World
    owners: Owners
    # Which rows each owner key stands for, to build URLs from a persona's own ids.
    rows: dict[str, list[models.Model]] = field(default_factory=dict)
    to_sign: list[TherapySession] = field(default_factory=list)

    def add(self, owner: str, *rows: models.Model) -> None:
        self.rows.setdefault(owner, []).extend(rows)


def _answer_phq9(client: ClientProfile) -> Response:
    request = RequestFactory().post("/")
    request.user = client.user  # type: ignore[assignment]
    response, _ = submit_response(
        request=request,
        client=client,
        definition=get_definition("phq9"),
        answers=PHQ9_POSITIVE,
        token=uuid.uuid4(),
        entered_by=client.user,
        source=Response.Source.CLIENT,
    )
    return response


def _client_records(canaries: CanaryWorld, key: str) -> None:
    client: ClientProfile = getattr(canaries.world, key)
    clinician = client.primary_clinician
    assert clinician is not None
    builtin = Practice.objects.get(key="soothing-rhythm-breathing", organisation=None)
    canaries.add(key, client)
    canaries.add(f"log_private_{key}", make_log(client, builtin, note="x"))
    canaries.add(f"log_shared_{key}", make_log(client, builtin, note="x", note_shared=True))
    asked = [
        MeasureRequest.objects.create(client=client, measure_key=measure, requested_by=clinician)
        for measure in ("gad7", "oas2")  # OAS-2 shows the organisation's licensed wording
    ]
    response = _answer_phq9(client)
    canaries.add(key, *asked, response)
    answer = RiskAnswer.objects.get(response_id=response.public_id)
    episode = answer.episode
    if key in ACKNOWLEDGED:
        # A closed episode shows the clinician's note (and pauses no homework).
        RiskEpisode.objects.filter(pk=episode.pk).update(
            closed_at=timezone.now(), closed_by=clinician, actions=["phoned"]
        )
    canaries.add(f"alert_{key}", episode, answer)
    canaries.add(f"contact_{key}", ContactDetails.objects.create(client=client, mobile="x"))
    plan = SafetyPlan.objects.create(client=client, version=1)
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=1,
        token=uuid.uuid4(),
        author=clinician,
        author_role="clinician",
        author_name="x",
    )
    canaries.add(f"safety_plan_{key}", plan, version)
    # A practice not logged today, so the homework is still due on the client's Today page.
    homework = practice_homework(client, clinician, key="compassionate-self")
    measure_homework = Assignment.objects.create(
        client=client,
        kind="measure",
        measure_key="phq9",
        repeat="daily",
        start_date=date(2026, 1, 1),
        created_by=clinician,
    )
    canaries.add(f"homework_{key}", homework, measure_homework)
    add_version(client, client.user, "client", history="x")
    add_version(client, clinician, "clinician", history="y")
    canaries.add(key, add_link(client, "history", homework, clinician))
    add_check_in(client, note="x")
    private = make_entry(client, title="x", texts={"body": "x"})
    shared = make_entry(client, title="x", texts={"body": "x"}, shared=True)
    letter = make_entry(
        client,
        kind=JournalEntry.Kind.LETTER,
        status=JournalEntry.Status.DRAFT,
        title="x",
        texts={"why": "x"},
    )
    make_reply(shared, clinician, "x")
    canaries.add(f"journal_private_{key}", private, letter)
    canaries.add(f"journal_shared_{key}", shared)
    first = make_session(client, on=date(2026, 11, 2))
    # Signed notes are locked, so this one is signed once its canaries are in.
    signed = make_session(client, on=date(2026, 11, 9), addendum="x")
    canaries.add(f"session_{key}", first, signed)
    canaries.to_sign.append(signed)
    make_reflection(clinician, "x", client=client)


def build_canary_world(world: World) -> CanaryWorld:
    people = {world.persona(name).pk: name for name in ("admin_a", "admin_b", *CLINICIANS)}
    clients = {getattr(world, key).pk: key for key in CLIENTS}
    people |= {getattr(world, key).user_id: key for key in CLIENTS}
    organisations = {world.org_a.pk: "org_a", world.org_b.pk: "org_b"}
    canaries = CanaryWorld(world, Owners(people, clients, organisations))
    builtin = Practice.objects.get(key="soothing-rhythm-breathing", organisation=None)
    for org, clinician, admin in (
        (world.org_a, world.clinician_a, world.admin_a),
        (world.org_b, world.clinician_b, world.admin_b),
    ):
        org_key = organisations[org.pk]
        CrisisContact.objects.create(organisation=org, name="x", phone="x", position=1)
        Invitation.objects.create(
            organisation=org,
            role=Invitation.Role.CLINICIAN,
            email="x@example.test",
            name="x",
            token_hash=uuid.uuid4().hex,
            created_by=admin,
            expires_at=timezone.now() + timedelta(days=7),
        )
        oas2 = get_definition("oas2")
        MeasureWording.objects.create(
            organisation=org,
            measure_key="oas2",
            measure_version=oas2.version,
            instructions="x",
            items=[f"CANARY-wording_{org_key}-item" for _ in range(oas2.item_count)],
            labels=[f"CANARY-wording_{org_key}-label" for _ in oas2.scale.labels],
            licence="x",
        )
        own = make_practice(org, clinician, f"practice_{org_key}")
        # The steps are words a clinician wrote, kept in JSON rather than a text field.
        steps = [{"text": f"CANARY-practice_{org_key}-steps", "seconds": 10}]
        Practice.objects.filter(pk=own.pk).update(steps=steps)
        canaries.add(f"practice_{org_key}", own, make_recording(clinician, builtin))
    canaries.add("builtin", builtin)
    for key in CLIENTS:
        _client_records(canaries, key)
    for key in CLINICIANS:
        clinician = getattr(world, key)
        make_own_practice(clinician, builtin, "x")
        make_reflection(clinician, "x")
        canaries.add(key, clinician)
    plant_canaries(canaries.owners)
    for session in canaries.to_sign:
        TherapySession.objects.filter(pk=session.pk).update(
            signed_at=timezone.now(), signed_by=session.clinician
        )
    return canaries


# --- Who may see what ---------------------------------------------------------------------

# A client's contact details and safety plan are theirs and their primary clinician's; never
# an admin's or another clinician's.
CLIENT_RECORDS = (
    "log_shared",
    "homework",
    "formulation",
    "circles",
    "journal_shared",
    "contact",
    "safety_plan",
)
CLINICAL_ONLY = ("session", "alert")


def visible(world: World, persona: str) -> set[str]:
    """Return the canary owners `persona` may ever see named on a page.

    A client sees their own records, their organisation, its practices, crisis contacts and
    licensed wording, and their own clinician's name. A clinician sees their own caseload's
    records but never a client's private journal entries or private practice notes, and
    only their own reflections. An admin sees the organisation and its staff by name, never
    clients or clinical content.
    """
    if persona == "anonymous":
        return set()
    user = world.persona(persona)
    assert user is not None
    if persona in CLIENTS:
        profile: ClientProfile = getattr(world, persona)
        clinician = profile.primary_clinician
        org = "org_a" if profile.organisation == world.org_a else "org_b"
        own = {f"{kind}_{persona}" for kind in CLIENT_RECORDS}
        own |= {f"log_private_{persona}", f"journal_private_{persona}"}
        own |= {f"journal_reply_{persona}"}
        return {persona, *own, *_organisation(org), _persona_key(world, clinician)}
    membership = user.membership
    org = "org_a" if membership.organisation == world.org_a else "org_b"
    if membership.role == Membership.Role.ADMIN:
        staff = Membership.objects.filter(organisation=membership.organisation).values_list(
            "user", flat=True
        )
        names = {_persona_key(world, User.objects.get(pk=pk)) for pk in staff}
        return {org, f"crisis_{org}", f"invitation_{org}", *names}
    seen = {persona, f"own_practice_{persona}", f"reflection_{persona}", *_organisation(org)}
    for key in CLIENTS:
        if getattr(world, key).primary_clinician == user:
            seen |= {key, f"journal_reply_{key}"}
            seen |= {f"{kind}_{key}" for kind in CLIENT_RECORDS + CLINICAL_ONLY}
    return seen


def _organisation(org: str) -> set[str]:
    return {org, f"crisis_{org}", f"practice_{org}", f"wording_{org}"}


def _persona_key(world: World, user: User | None) -> str:
    for name in ("admin_a", "admin_b", *CLINICIANS, *CLIENTS):
        if world.persona(name) == user:
            return name
    raise AssertionError(f"{user} is no persona")


# --- The crawl ----------------------------------------------------------------------------


class _Links(HTMLParser):
    """Collect the URLs a person could open from a page: links, GET forms, media sources."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.urls.append(str(values["href"]))
        elif tag in ("audio", "source", "img", "iframe") and values.get("src"):
            self.urls.append(str(values["src"]))
        elif tag == "form" and (values.get("method") or "get").lower() == "get":
            self.urls.append(str(values.get("action") or ""))


def canaries_in(text: str) -> set[str]:
    """Return the canary owners named in `text`, also where markup wraps one over lines.

    The formulation diagram wraps words into SVG <tspan>s, splitting a canary in two: read
    without tags and whitespace too, and drop a piece that is the start of a whole canary.
    """
    raw = set(CANARY.findall(text))
    joined = set(CANARY.findall(re.sub(r"\s+", "", re.sub(r"<[^>]*>", "", text))))
    pieces = {piece for piece in raw - joined if any(whole.startswith(piece) for whole in joined)}
    return (raw | joined) - pieces


def response_text(response: Any) -> str:
    """Return everything a response says, PDFs included, as text."""
    body = b"".join(response) if response.streaming else response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    text = body.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/pdf"):
        pages = PdfReader(io.BytesIO(body)).pages
        # Line breaks inside a canary would hide it; PDFs are read without whitespace.
        text += re.sub(r"\s+", "", "".join(page.extract_text() for page in pages))
    return f"{headers}\n{text}"


@dataclass
class Visit:
    url: str
    status: int
    content_type: str
    canaries: set[str]


@dataclass
class Crawl:
    http: Client
    skip: tuple[str, ...]
    visits: dict[str, Visit] = field(default_factory=dict)

    def fetch(self, url: str) -> tuple[Visit, str]:
        response = self.http.get(url)

        text = response_text(response)
        visit = Visit(
            url, response.status_code, response.get("Content-Type", ""), canaries_in(text)
        )
        self.visits[url] = visit
        return visit, (text if "html" in visit.content_type else "")

    def follow_links(self, start: str, budget: int) -> None:
        """Breadth-first from `start` over same-site links, never POSTing anything."""
        queue = deque([start])
        queued = {start}
        variants: dict[str, int] = {}
        downloads: set[str] = set()
        routes: dict[str, int] = {}
        while queue and len(self.visits) < budget:
            url = queue.popleft()
            visit, html = self.fetch(url)
            found = []
            if 300 <= visit.status < 400:
                found.append(self.http.get(url)["Location"])
            if html:
                parser = _Links()
                parser.feed(html)
                found += parser.urls
            for link in found:
                target = self._same_site(urljoin(url, link))
                if target is None or target in queued:
                    continue
                path = urlsplit(target).path
                route = _route_of(path)
                routes[route] = routes.get(route, 0) + 1
                if routes[route] > PAGES_PER_ROUTE:
                    continue  # e.g. one paper form per measure: the resolver step has the rest
                if path.endswith(DOWNLOADS) and path in downloads:
                    continue  # one PDF or CSV per path: they are slow and differ only by period
                downloads.add(path)
                if urlsplit(target).query:
                    variants[path] = variants.get(path, 0) + 1
                    if variants[path] > VARIANTS_PER_PATH:
                        continue
                queued.add(target)
                queue.append(target)

    def _same_site(self, url: str) -> str | None:
        url, _ = urldefrag(url)
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            return None
        if parts.path.startswith(self.skip):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def url_names(self) -> set[str]:
        return {_route_of(urlsplit(url).path) for url in self.visits} - {""}


def _route_of(path: str) -> str:
    try:
        return resolve(path).url_name or ""
    except Resolver404:
        return ""


# Values for the URL parameters that are not record ids.
FIXED_ARGUMENTS: dict[str, list[object]] = {
    "measure_key": ["phq9", "oas2"],
    "module_key": ["tricky-brain"],
    "step": [2],
}
ID_ARGUMENTS = {
    "client_id": ClientProfile,
    "member_id": User,
    "practice_id": Practice,
    "log_id": PracticeLog,
    "recording_id": PracticeRecording,
    "request_id": MeasureRequest,
    "response_id": Response,
    "alert_id": "safety.RiskAnswer",
    "episode_id": "safety.RiskEpisode",
    "assignment_id": Assignment,
    "session_id": TherapySession,
    "entry_id": JournalEntry,
    "link_id": FormulationLink,
}
# Routes whose arguments are secrets sent by e-mail, not record ids.
SECRET_ROUTES = {"password_reset_confirm", "invitation_open"}


def _patterns(
    patterns: list[URLPattern | URLResolver],
) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def resolver_urls(canaries: CanaryWorld, seen: set[str]) -> list[str]:
    """Every URL the resolver builds from the ids of records whose owner is in `seen`."""
    ids: dict[str, list[object]] = {name: list(values) for name, values in FIXED_ARGUMENTS.items()}
    for owner in seen | {"builtin"}:
        for row in canaries.rows.get(owner, []):
            for argument, model in ID_ARGUMENTS.items():
                model_class = apps.get_model(model) if isinstance(model, str) else model
                if isinstance(row, model_class):
                    ids.setdefault(argument, []).append(row.public_id)  # type: ignore[attr-defined]
    urls = []
    for pattern in _patterns(get_resolver().url_patterns):
        if pattern.name in SECRET_ROUTES or pattern.name == "sign_out" or not pattern.name:
            continue
        arguments = list(pattern.pattern.converters)
        choices = [ids.get(argument, []) for argument in arguments]
        for values in itertools.product(*choices):
            urls.append(reverse(pattern.name, kwargs=dict(zip(arguments, values, strict=True))))
    return urls


# --- The tests ----------------------------------------------------------------------------


@pytest.fixture
def canaries(world, settings, tmp_path) -> CanaryWorld:
    settings.MEDIA_DIR = tmp_path
    return build_canary_world(world)


def test_it_plants_a_canary_in_every_text_field(canaries):
    missing = []
    for model, name in text_fields():
        # Encrypted fields cannot be filtered on, so every row is read back.
        values = model._default_manager.values_list(name, flat=True)
        if not any(str(value).startswith("CANARY-") for value in values):
            missing.append(f"{model._meta.label}.{name}")
    assert missing == [], "text fields without a canary in the crawl's world"


# What the crawl must reach by following links alone, so a crawl that sees nothing fails.
REACHED = {
    "anonymous": {"sign_in", "password_reset", "help"},
    "client_a": {
        "today",
        "journal",
        "journal_entry",
        "my_practice",
        "my_formulation",
        "my_circles",
        "questionnaire_take",
        "practice_detail",
        "account_settings",
        "my_safety_plan",
        "my_safety_plan_history",
        "my_contact_details",
    },
    "client_b": {"today", "journal", "journal_entry", "my_formulation", "my_safety_plan"},
    "clinician_a": {
        "caseload",
        "client_detail",
        "client_journal",
        "shared_journal_entry",
        "client_sessions",
        "session_detail",
        "client_progress",
        "client_progress_pdf",
        "client_csv",
        "caseload_csv",
        "client_formulation",
        "client_safety_plan",
        "client_safety_plan_pdf",
        "client_circles",
        "client_measures",
        "response_fhir",
        "development",
        "client_contact_details",
    },
    "clinician_a2": {"caseload", "client_journal", "shared_journal_entry", "risk_episode_detail"},
    "clinician_b": {"caseload", "client_detail", "client_sessions", "risk_episode_detail"},
    "admin_a": {"members", "audit_log", "audit_log_csv", "organisation_settings"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_each_persona_only_their_own_canaries(canaries, persona):
    world = canaries.world
    allowed = visible(world, persona)
    skip = ("/static/", "/admin/", reverse("sign_out"))
    crawl = Crawl(sign_in(Client(), world.persona(persona)), skip)
    crawl.follow_links("/", PAGE_BUDGET)
    linked = crawl.url_names()
    # Then every URL the persona's own ids can build, where the links have not been.
    visited_paths = {urlsplit(url).path for url in crawl.visits}
    for url in resolver_urls(canaries, allowed):
        if url not in visited_paths and not url.startswith(skip):
            crawl.fetch(url)

    leaks = {
        visit.url: sorted(visit.canaries - allowed)
        for visit in crawl.visits.values()
        if visit.canaries - allowed
    }
    assert leaks == {}, f"{persona} saw canaries of records that are not theirs"
    errors = [visit.url for visit in crawl.visits.values() if visit.status >= 500]
    assert errors == []
    assert REACHED[persona] - linked == set(), f"{persona}'s crawl missed pages"
    seen = set().union(*(visit.canaries for visit in crawl.visits.values()))
    # A client may see their clinician's name, but no page has to show it.
    optional = {f"alert_{key}" for key in CLIENTS if key not in ACKNOWLEDGED}  # no note yet
    if persona in CLIENTS:
        optional.add(_persona_key(world, getattr(world, persona).primary_clinician))
    # The records a persona may see are really on their pages: the crawl is not blind.
    assert allowed - seen - optional == set(), f"{persona} never saw some of their own records"
