"""The organisation admin's pages: settings and crisis contacts, members, the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tending.accounts.access import org_admin_required
from tending.accounts.forms import (
    AuditFilterForm,
    CrisisContactFormSet,
    OrganisationForm,
    StaffInvitationForm,
)
from tending.accounts.models import Invitation, Membership, Organisation, User
from tending.accounts.services import (
    MemberHasClients,
    deactivate_member,
    invite_staff,
    update_organisation,
)
from tending.accounts.throttling import check, person, rate_limited, with_retry_after
from tending.audit.models import AuditEvent
from tending.audit.services import record
from tending.web.downloads import csv_download

AUDIT_PAGE_SIZE = 50


def _organisation(request: HttpRequest) -> Organisation:
    organisation: Organisation = request.membership.organisation  # type: ignore[attr-defined]
    return organisation


@org_admin_required
def organisation_settings(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    data = request.POST if request.method == "POST" else None
    form = OrganisationForm(data, instance=organisation)
    formset = CrisisContactFormSet(data, instance=organisation, prefix="contacts")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        deleted = formset.deleted_forms
        removed = [f.instance for f in deleted if f.instance.pk]
        # Blank extra rows are skipped; the rest keep their order on the page.
        kept = [
            f.instance
            for f in formset.forms
            if f not in deleted and (f.instance.pk or f.has_changed())
        ]
        with transaction.atomic():
            update_organisation(
                request=request, organisation=form.instance, contacts=kept, removed=removed
            )
            _save_cover(
                request,
                form.instance,
                list(form.cleaned_data["cover_clinicians"]),
                hours_changed=form.initial["escalation_hours"]
                != form.cleaned_data["escalation_hours"],
            )
        messages.success(request, "Settings saved. Clients see the new contacts straight away.")
        return redirect("organisation_settings")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "formset": formset,
        "escalated": organisation.active_cover().exists(),
    }
    return render(request, "accounts/organisation_settings.html", context, status=status)


def _save_cover(
    request: HttpRequest, organisation: Organisation, people: list[User], *, hours_changed: bool
) -> None:
    """Name who is told about risk episodes left waiting, and audit any change."""
    before = set(organisation.cover_clinicians.values_list("pk", flat=True))
    organisation.cover_clinicians.set(people)
    if hours_changed or before != {person.pk for person in people}:
        record(
            action="organisation.escalation_updated",
            request=request,
            organisation=organisation,
            target=organisation,
            detail={
                "hours": organisation.escalation_hours,
                "cover": sorted(str(person.public_id) for person in people),
            },
        )


def _members_page(request: HttpRequest, form: StaffInvitationForm, status: int) -> HttpResponse:
    organisation = _organisation(request)
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__name")
    )
    now = timezone.now()
    pending = [
        invitation
        for invitation in Invitation.objects.filter(
            organisation=organisation, accepted_at=None, revoked_at=None
        ).exclude(role=Invitation.Role.CLIENT)
        if invitation.status(now) == "pending"
    ]
    context = {"members": members, "pending": pending, "form": form}
    return render(request, "accounts/members.html", context, status=status)


@org_admin_required
def members(request: HttpRequest) -> HttpResponse:
    return _members_page(request, StaffInvitationForm(), 200)


@require_POST
@org_admin_required
def member_invite(request: HttpRequest) -> HttpResponse:
    form = StaffInvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, form, 400)
    refusal = check(request, "invitations_sent", person(request))
    if refusal is not None:
        form.add_error(None, f"You have sent many invitations in a short time. {refusal.message()}")
        return with_retry_after(_members_page(request, form, 429), refusal)
    organisation = _organisation(request)
    email = form.cleaned_data["email"].lower()
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        messages.info(request, "That person is already a member.")
        return redirect("members")
    invite_staff(
        request=request,
        organisation=organisation,
        created_by=request.membership.user,  # type: ignore[attr-defined]
        name=form.cleaned_data["name"],
        email=email,
        role=form.cleaned_data["role"],
    )
    messages.success(request, f"We emailed an invitation to {email}.")
    return redirect("members")


@require_POST
@org_admin_required
def member_deactivate(request: HttpRequest, member_id: UUID) -> HttpResponse:
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation=_organisation(request), user__public_id=member_id)
        .first()
    )
    if membership is None:
        raise Http404
    if membership.user_id == request.membership.user_id:  # type: ignore[attr-defined]
        messages.error(request, "You cannot deactivate your own account.")
    elif not membership.user.is_active:
        messages.info(request, f"{membership.user.name} is already deactivated.")
    else:
        try:
            deactivate_member(request=request, membership=membership)
        except MemberHasClients:
            messages.error(
                request,
                f"{membership.user.name} still has clients on their caseload. "
                "Move those clients to another clinician first.",
            )
        else:
            messages.success(request, f"{membership.user.name} can no longer sign in.")
    return redirect("members")


def _audit_filters(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    organisation = _organisation(request)
    events = AuditEvent.objects.filter(organisation_id=organisation.public_id)
    people = [
        (str(m.user.public_id), f"{m.user.name} ({m.get_role_display()})")
        for m in Membership.objects.filter(organisation=organisation).select_related("user")
    ]
    actions = sorted(set(events.values_list("action", flat=True).distinct()))
    form = AuditFilterForm(request.GET or None, actions=actions, people=people)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        if data["actor"]:
            events = events.filter(actor_id=data["actor"])
        if data["client"]:
            events = events.filter(client_id=data["client"])
        zone = timezone.get_current_timezone()
        if data["start"]:
            events = events.filter(
                occurred_at__gte=datetime.combine(data["start"], time.min, tzinfo=zone)
            )
        if data["end"]:
            events = events.filter(
                occurred_at__lte=datetime.combine(data["end"], time.max, tzinfo=zone)
            )
    return form, events


def _staff_names(organisation: Organisation) -> dict[str, str]:
    """Map staff public ids to names. Clients stay pseudonymous: admins see no client names."""
    return {
        str(m.user.public_id): m.user.name
        for m in Membership.objects.filter(organisation=organisation).select_related("user")
    }


def client_reference(client_id: UUID | None) -> str:
    """Return the short, stable reference that stands for a client on admin pages."""
    return f"Client {str(client_id)[:8]}" if client_id else ""


@org_admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form, events = _audit_filters(request)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    names = _staff_names(_organisation(request))
    rows = [
        {
            "event": event,
            "actor": names.get(str(event.actor_id), "") if event.actor_id else "",
            "client": client_reference(event.client_id),
        }
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "accounts/audit_log.html", context)


@org_admin_required
@rate_limited("exports")
def audit_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    form, events = _audit_filters(request)
    names = _staff_names(_organisation(request))
    with transaction.atomic():
        record(
            action="audit.exported",
            request=request,
            organisation=_organisation(request),
            detail={key: str(value) for key, value in form.data.items() if value},
        )

    def rows() -> Iterator[list[Any]]:
        yield [
            "occurred_at",
            "action",
            "outcome",
            "actor_id",
            "actor_name",
            "actor_role",
            "client_id",
            "client_reference",
            "target_type",
            "target_id",
            "ip_address",
            "request_id",
            "detail",
        ]
        for event in events.iterator(chunk_size=500):
            yield [
                event.occurred_at.isoformat(),
                event.action,
                event.outcome,
                event.actor_id or "",
                _csv_safe(names.get(str(event.actor_id), "")),
                event.actor_role,
                event.client_id or "",
                client_reference(event.client_id),
                event.target_type,
                event.target_id,
                event.ip_address or "",
                event.request_id,
                _csv_safe(str(event.detail)),
            ]

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return csv_download(rows(), f"tending-audit-{stamp}.csv")


def _csv_safe(value: str) -> str:
    """Stop a spreadsheet from running a name like "=cmd()" as a formula."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
