"""Isolation holds for any caseload shape (reliability plan T3), checked with Hypothesis.

Hypothesis draws organisations, clinicians and admins, clients on caseloads, journal entries
(shared or not), reassignments (also to a clinician of another organisation) and deactivated
accounts. The one rule: a client sees only their own record; a clinician sees a client only
while the client is on their own caseload in their own organisation; an admin sees no client;
a deactivated account sees nothing. The access helpers and a representative set of views must
answer exactly that, and a reassignment moves access on the very next request.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from django.http import Http404, HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tending.accounts.access import caseload_for, get_client_for_user
from tending.accounts.models import ClientProfile, Membership, Organisation, User
from tending.journal.models import JournalEntry
from tending.testing.journal_records import make_entry
from tending.testing.personas import make_client, make_staff, sign_in

EXAMPLES = settings(
    # A few dozen per commit; `TENDING_HYPOTHESIS_EXAMPLES=500` for a nightly run.
    max_examples=int(os.environ.get("TENDING_HYPOTHESIS_EXAMPLES", "25")),
    deadline=None,  # a loaded 2-core CI machine must not turn slowness into failures
    suppress_health_check=[HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Shape:
    """A drawn world: indices only, so Hypothesis can shrink a counterexample."""

    organisations: int
    clinicians: list[int]  # the organisation of each clinician
    clients: list[int]  # the clinician of each client
    shared: list[bool]  # whether each client shares their journal entry
    moves: list[tuple[int, int]]  # (client, new clinician), in order
    viewer: int  # index into everyone: admins, then clinicians, then clients
    deactivated: bool


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    organisations = draw(st.integers(1, 2))
    clinicians = draw(st.lists(st.integers(0, organisations - 1), min_size=1, max_size=3))
    clients = draw(st.lists(st.integers(0, len(clinicians) - 1), min_size=1, max_size=4))
    return Shape(
        organisations=organisations,
        clinicians=clinicians,
        clients=clients,
        shared=draw(st.lists(st.booleans(), min_size=len(clients), max_size=len(clients))),
        moves=draw(
            st.lists(
                st.tuples(st.integers(0, len(clients) - 1), st.integers(0, len(clinicians) - 1)),
                max_size=3,
            )
        ),
        viewer=draw(st.integers(0, organisations + len(clinicians) + len(clients) - 1)),
        deactivated=draw(st.booleans()),
    )


@dataclass
class Built:
    organisations: list[Organisation]
    admins: list[User]
    clinicians: list[User]
    clients: list[ClientProfile]
    entries: list[JournalEntry]

    @property
    def everyone(self) -> list[User]:
        return [*self.admins, *self.clinicians, *(c.user for c in self.clients if c.user)]


def build(shape: Shape) -> Built:
    run = uuid.uuid4().hex[:8]  # unique names even if an example's data outlived it
    organisations = [
        Organisation.objects.create(name=f"Org {run}-{n}") for n in range(shape.organisations)
    ]
    admins = [
        make_staff(org, Membership.Role.ADMIN, f"admin_{run}_{n}")
        for n, org in enumerate(organisations)
    ]
    clinicians = [
        make_staff(organisations[org], Membership.Role.CLINICIAN, f"clinician_{run}_{n}")
        for n, org in enumerate(shape.clinicians)
    ]
    clients = []
    for n, clinician in enumerate(shape.clients):
        # A client belongs to the organisation of the clinician who took them on.
        organisation = organisations[shape.clinicians[clinician]]
        clients.append(make_client(organisation, clinicians[clinician], f"client_{run}_{n}"))
    entries = [
        make_entry(client, title="x", texts={"body": "x"}, shared=shared)
        for client, shared in zip(clients, shape.shared, strict=True)
    ]
    return Built(organisations, admins, clinicians, clients, entries)


def may_see(user: User, client: ClientProfile) -> bool:
    """The rule, written independently of `tending.accounts.access`."""
    if not user.is_active:
        return False
    if client.user_id == user.pk:
        return True
    membership = Membership.objects.filter(user=user).first()
    return (
        membership is not None
        and membership.role == Membership.Role.CLINICIAN
        and client.primary_clinician_id == user.pk
        and client.organisation_id == membership.organisation_id
    )


def verified_request(user: User) -> HttpRequest:
    """A request as the access helpers see it after sign-in and (for staff) 2FA."""
    request = RequestFactory().get("/")
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    request.user = user
    return request


def helper_sees(user: User, client: ClientProfile) -> bool:
    try:
        get_client_for_user(verified_request(user), client.public_id)
    except Http404:
        return False
    return True


def views_answer(http: Client, built: Built, viewer: User) -> None:
    """Every representative view answers 200 exactly when the rule says so, else 404."""
    for client, entry in zip(built.clients, built.entries, strict=True):
        client.refresh_from_db()
        allowed = may_see(viewer, client)
        is_clinician = allowed and client.user_id != viewer.pk
        expected = {
            reverse("client_detail", args=[client.public_id]): is_clinician,
            reverse("client_journal", args=[client.public_id]): is_clinician,
            reverse("client_csv", args=[client.public_id]): is_clinician,
            reverse("journal_entry", args=[entry.public_id]): client.user_id == viewer.pk,
            reverse("shared_journal_entry", args=[entry.public_id]): (
                is_clinician and entry.is_shared
            ),
        }
        for url, ok in expected.items():
            response = http.get(url)
            if not viewer.is_active:
                # A deactivated account is signed out on its next request.
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("sign_in")), url
            else:
                assert response.status_code == (200 if ok else 404), (url, viewer, client)
                if not ok:
                    assert client.name.encode() not in response.content, url


def helpers_answer(built: Built) -> None:
    """`get_client_for_user` and `caseload_for` agree with the rule for everyone."""
    for client in built.clients:
        client.refresh_from_db()
    for user in built.everyone:
        for client in built.clients:
            assert helper_sees(user, client) == may_see(user, client), (user, client)
    for clinician in built.clinicians:
        expected = {c.pk for c in built.clients if may_see(clinician, c)}
        caseload = caseload_for(verified_request(clinician))
        assert set(caseload.values_list("pk", flat=True)) == expected
    for admin in built.admins:
        assert not caseload_for(verified_request(admin)).exists()


def move(built: Built, client_index: int, clinician_index: int) -> None:
    """Reassign as the database sees it, also to a clinician of another organisation, who
    must still see nothing of a client outside their own organisation."""
    ClientProfile.objects.filter(pk=built.clients[client_index].pk).update(
        primary_clinician=built.clinicians[clinician_index]
    )


class IsolationProperties(TestCase):
    @EXAMPLES
    @given(shapes())
    def test_it_gives_the_helpers_exactly_the_rule(self, shape: Shape) -> None:
        built = build(shape)
        helpers_answer(built)
        for client_index, clinician_index in shape.moves:
            move(built, client_index, clinician_index)
            helpers_answer(built)

    @EXAMPLES
    @given(shapes())
    def test_it_moves_access_with_the_client_on_the_next_request(self, shape: Shape) -> None:
        built = build(shape)
        viewer = built.everyone[shape.viewer % len(built.everyone)]
        http = sign_in(Client(), viewer)
        views_answer(http, built, viewer)
        for client_index, clinician_index in shape.moves:
            move(built, client_index, clinician_index)
            views_answer(http, built, viewer)
        if shape.deactivated:
            User.objects.filter(pk=viewer.pk).update(is_active=False)
            viewer.refresh_from_db()
            views_answer(http, built, viewer)
