"""Who is looking: the client on their own pages, or their clinician on the client's pages.

The pages are the same for both; only the shell, the wording and the addresses differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse

from tending.accounts.access import get_client_for_user
from tending.accounts.models import ClientProfile
from tending.formulation.models import Author

PAGES = (
    "formulation",
    "formulation_edit",
    "formulation_history",
    "formulation_changes",
    "circles",
    "circles_new",
)


@dataclass
class Place:
    client: ClientProfile
    is_client: bool
    urls: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        if self.is_client:
            self.urls = {page: reverse(f"my_{page}") for page in PAGES}
        else:
            kwargs = {"client_id": self.client.public_id}
            self.urls = {page: reverse(f"client_{page}", kwargs=kwargs) for page in PAGES}
            self.urls["link_add"] = reverse("formulation_link_add", kwargs=kwargs)

    @property
    def shell(self) -> str:
        return "shell_client.html" if self.is_client else "shell_staff.html"

    @property
    def role(self) -> str:
        return Author.CLIENT if self.is_client else Author.CLINICIAN


def client_place(request: HttpRequest) -> Place:
    """For views behind `client_required`: the signed-in client's own pages."""
    return Place(client=request.client_profile, is_client=True)  # type: ignore[attr-defined]


def clinician_place(request: HttpRequest, client_id: UUID) -> Place:
    """For views behind `clinician_required`: a client on this clinician's caseload, or 404."""
    return Place(client=get_client_for_user(request, client_id), is_client=False)
