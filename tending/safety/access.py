"""Who may see a client's safety records. The caseload rule itself is `accounts.access`.

- A client sees and edits their own contact details and safety plan.
- Their primary clinician (the caseload rule) sees and edits both, and every risk episode.
- A clinician the organisation names as cover sees a risk episode escalated to them, and only
  while they remain named; while that episode is open it is theirs to handle, so they also
  see the client's contact details and safety plan, read-only (`cover_episode`,
  `covering_clinician`).
- An organisation admin sees none of this.

Anything else is answered with 404 (`accounts.access.get_client_for_user` records the
denial).
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest

from tending.accounts.access import caseload_for, cover_membership, signed_in_user
from tending.accounts.models import ClientProfile
from tending.safety.models import RiskEpisode


def episode_for(request: HttpRequest, episode_id: UUID) -> tuple[RiskEpisode, bool]:
    """Return the episode and whether it is seen as cover (escalated to this clinician),
    or raise 404."""
    episodes = RiskEpisode.objects.select_related(
        "client__organisation", "client__primary_clinician", "closed_by"
    ).filter(public_id=episode_id)
    episode = episodes.filter(client__in=caseload_for(request)).first()
    if episode is not None:
        return episode, False
    cover = cover_membership(request)
    if cover is not None:
        episode = episodes.filter(client__organisation_id=cover.organisation_id).first()
        if episode is not None and episode.was_escalated_to(cover.user):
            return episode, True
    raise Http404


def covering_clinician(request: HttpRequest, client: ClientProfile) -> bool:
    """Return True while this request's clinician is named cover and an open episode of
    `client` was escalated to them: the client's safety details are theirs to see."""
    cover = cover_membership(request)
    if cover is None or client.organisation_id != cover.organisation_id:
        return False
    user = signed_in_user(request)
    if user is None:
        return False
    open_episode = RiskEpisode.objects.filter(client=client, closed_at=None).first()
    return open_episode is not None and open_episode.was_escalated_to(user)
