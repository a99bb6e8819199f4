"""A risk episode as a clinician sees it: every answer in it, how to reach the client, their
safety plan, and the form that closes it with what was done."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tending.accounts.access import clinician_required
from tending.audit.services import record
from tending.safety.access import episode_for
from tending.safety.episodes import NewAnswerArrived, close_episode
from tending.safety.forms_episodes import CloseEpisodeForm
from tending.safety.models import ContactDetails, RiskAnswer, RiskEpisode
from tending.safety.plan import latest_version
from tending.safety.review import needs_review


@clinician_required
def risk_episode_detail(request: HttpRequest, episode_id: UUID) -> HttpResponse:
    episode, as_cover = episode_for(request, episode_id)
    client = episode.client
    record(
        action="risk_episode.viewed",
        request=request,
        client=client,
        target=episode,
        detail={"as_cover": True} if as_cover else None,
    )
    answers = list(episode.answers.all())
    form = CloseEpisodeForm(
        request.POST if request.method == "POST" else None,
        initial={"answers_seen": len(answers)},
    )
    if request.method == "POST" and episode.is_open and form.is_valid():
        try:
            closed = close_episode(
                request=request,
                episode=episode,
                actions=form.cleaned_data["actions"],
                note=form.cleaned_data["note"],
                answers_seen=form.cleaned_data["answers_seen"],
            )
        except NewAnswerArrived:
            # Shown again with every answer, the choices kept, and the new count to confirm.
            data = request.POST.copy()
            data["answers_seen"] = str(len(answers))
            form = CloseEpisodeForm(data)
            form.is_valid()
            form.add_error(
                None,
                "A new answer arrived while this page was open. It is shown above: read it, "
                "then save again.",
            )
        else:
            if closed:
                messages.success(request, f"Recorded. The episode for {client.name} is closed.")
            else:
                messages.info(request, "Someone else closed this episode a moment ago.")
            return redirect(episode)
    # A cover clinician sees how to reach the client and their plan only while the episode is
    # open: then it is theirs to handle (see tending/safety/access.py).
    sees_safety_details = not as_cover or episode.is_open
    context = {
        "episode": episode,
        "client": client,
        "answers": answers,
        "as_cover": as_cover,
        "form": form,
        "sees_safety_details": sees_safety_details,
        "contact_details": (
            ContactDetails.objects.filter(client=client).first() if sees_safety_details else None
        ),
        "plan_version": latest_version(client) if sees_safety_details else None,
        "plan_needs_review": sees_safety_details and needs_review(client),
        "earlier": (
            []
            if as_cover
            else list(
                RiskEpisode.objects.filter(client=client)
                .exclude(pk=episode.pk)
                .order_by("-opened_at")[:5]
            )
        ),
    }
    status = 400 if form.errors else 200
    return render(request, "safety/episode.html", context, status=status)


@clinician_required
def risk_answer_link(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    """Links in e-mails sent before episodes existed name one alert: open its episode."""
    answer = RiskAnswer.objects.select_related("episode").filter(public_id=alert_id).first()
    if answer is None:
        raise Http404
    episode, _ = episode_for(request, answer.episode.public_id)
    return redirect(episode)
