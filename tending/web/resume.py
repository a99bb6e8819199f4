"""A form sent just after an idle sign-out is kept, and sent once the same person signs in again.

The flow, across three requests:

1. The session has run out when a form arrives (`SessionTimeoutMiddleware`). If its CSRF token
   is good and it is an ordinary form, `form_worth_keeping` copies it before `logout()` and
   `keep` puts it in the fresh, anonymous session; the sign-in page says it is safe.
2. Signing in (after the code, for people who have one) calls `claim`. The same person gets a
   redirect back to the form's own address; anyone else's sign-in discards it unseen.
3. That redirect arrives as a GET. The middleware turns it back into the kept POST (`replay`),
   so the request runs the whole normal path: URL resolution, the rest of the middleware,
   the view's access checks, idempotency token, transaction, audit and risk alerts. A form
   error is shown at the form's own address, so sending it again posts to the right place.

The answers sit in the session table, encrypted like any other sensitive free text, only
until they are sent or discarded, and never in logs or the audit trail. If no configured key
opens them any more (a key rotated away meanwhile), they are discarded and the person told.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve, reverse
from django.utils.datastructures import MultiValueDict

from tending.audit.services import record
from tending.encryption.keys import DecryptionError, decrypt, encrypt

KEPT_FORM = "tending_kept_form"
# Long enough for a form left open overnight or through a working day, no longer than the
# longest signed-in session (12 hours by default): answers this old are better asked again.
KEEP_SECONDS = 12 * 60 * 60
# The redirect after signing in is followed at once; a claim older than this was abandoned.
READY_SECONDS = 5 * 60
# A session note with every field full is about 150 KB; anything larger is not a typed form.
MAX_BYTES = 256 * 1024
FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# Signing in, passwords, invitations and two-step set-up must be done afresh, never replayed;
# nor an erasure, which cannot be undone and should be confirmed by someone present.
NOT_KEPT = frozenset(
    {
        "sign_in",
        "sign_in_verify",
        "sign_out",
        "two_factor_required",
        "password_reset",
        "password_reset_sent",
        "password_reset_confirm",
        "invitation_accept",
        "invitation_open",
        "password_change",
        "two_factor_setup",
        "recovery_codes",
        "two_factor_remove",
        "recording_upload",
        "privacy_erase",
    }
)
# A redirect to one of these means the replay was turned away, not saved.
_SIGN_IN_PAGES = ("sign_in", "sign_in_verify", "two_factor_required", "two_factor_setup")
SAVED_MESSAGE = "What you sent before signing in again has been saved."
LOST_MESSAGE = (
    "What you sent before signing in again could not be recovered, so nothing was saved. "
    "Please enter it again."
)


def _not_used(request: HttpRequest) -> HttpResponse:
    raise AssertionError("only process_view is called")  # pragma: no cover


def form_worth_keeping(request: HttpRequest) -> dict[str, Any] | None:
    """Return a copy of a person's posted form to keep across sign-in, or None.

    Call it while the session's user is still signed in, before `logout()`. Only ordinary
    forms of a sane size with a valid CSRF token qualify: no file uploads, scripts' background
    saves, account pages or the admin site.
    """
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return None
    if request.headers.get("X-Requested-With"):
        return None  # a page script's own save, which reports its result itself
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_BYTES:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.url_name in NOT_KEPT or "admin" in match.namespaces:
        return None
    if getattr(match.func, "csrf_exempt", False):
        return None  # its origin cannot be told, so it must not be sent on someone's behalf
    # This middleware runs before CsrfViewMiddleware.process_view, so check the token here.
    csrf = CsrfViewMiddleware(_not_used)
    if csrf.process_view(request, match.func, match.args, match.kwargs) is not None:
        return None
    if request.FILES:
        return None
    return {
        "path": request.path,
        "query": request.META.get("QUERY_STRING", ""),
        "view": match.view_name,
        # A session note or journal entry: sealed, like the fields it would be saved into.
        "sealed": encrypt(
            json.dumps({k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"})
        ),
        "user": request.user.pk,
        "kept_at": int(time.time()),
    }


def keep(request: HttpRequest, kept: dict[str, Any]) -> None:
    """Keep `kept` in this (new, anonymous) session, replacing any form kept before."""
    request.session[KEPT_FORM] = kept


def _discard(request: HttpRequest, kept: dict[str, Any], reason: str, actor: Any = None) -> None:
    request.session.pop(KEPT_FORM, None)
    owner = get_user_model()._default_manager.filter(pk=kept["user"]).first()
    record(
        action="signin.kept_form_discarded",
        request=request,
        actor=actor,
        organisation=getattr(owner, "organisation", None),
        target=owner,
        detail={"view": kept.get("view", ""), "reason": reason},
    )


def _current(request: HttpRequest) -> dict[str, Any] | None:
    """Return the kept form if there is one still in time; discard one that has expired."""
    kept: dict[str, Any] | None = request.session.get(KEPT_FORM)
    if kept is None:
        return None
    if time.time() - kept["kept_at"] > KEEP_SECONDS:
        _discard(request, kept, "expired")
        return None
    return kept


def _opened(kept: dict[str, Any]) -> dict[str, list[str]] | None:
    """The kept form's fields, or None if no configured key opens them."""
    try:
        data: dict[str, list[str]] = json.loads(decrypt(kept["sealed"]))
    except DecryptionError:
        return None
    return data


def is_waiting(request: HttpRequest) -> bool:
    """Return True when a form is kept for whoever signs in next on this browser."""
    return _current(request) is not None


def claim(request: HttpRequest, user: AbstractBaseUser) -> str:
    """Call once `user` is fully signed in. Return where to send them to resend the form, or "".

    A form kept for someone else is discarded without being used or shown.
    """
    kept = _current(request)
    if kept is None:
        return ""
    if kept["user"] != user.pk:
        _discard(request, kept, "another_person_signed_in", actor=user)
        return ""
    if _opened(kept) is None:
        _discard(request, kept, "no_key_opens_it", actor=user)
        messages.error(request, LOST_MESSAGE)
        return ""
    kept["ready_at"] = int(time.time())
    request.session[KEPT_FORM] = kept
    path: str = kept["path"]
    return path + (f"?{kept['query']}" if kept["query"] else "")


def take_ready(request: HttpRequest) -> dict[str, Any] | None:
    """Return the claimed form when `request` is the redirect that resends it, removing it."""
    kept: dict[str, Any] | None = request.session.get(KEPT_FORM)
    if kept is None or "ready_at" not in kept:
        return None
    if kept["user"] != request.user.pk:
        _discard(request, kept, "another_person_signed_in")
        return None
    if time.time() - kept["ready_at"] > READY_SECONDS:
        _discard(request, kept, "not_resent_in_time")
        return None
    if request.method != "GET" or request.path != kept["path"]:
        return None
    data = _opened(kept)
    if data is None:  # checked when claimed moments ago, so only if the keys changed since
        _discard(request, kept, "no_key_opens_it")
        return None
    del request.session[KEPT_FORM]
    return kept | {"data": data}


def _was_saved(response: HttpResponse) -> bool:
    if not 300 <= response.status_code < 400 or not response.has_header("Location"):
        return False
    turned_away = {reverse(name) for name in _SIGN_IN_PAGES}
    return urlsplit(response["Location"]).path not in turned_away


def replay(
    request: HttpRequest,
    kept: dict[str, Any],
    get_response: Callable[[HttpRequest], HttpResponse],
) -> HttpResponse:
    """Send the kept form as this request, through the normal view, and return its response.

    A redirect means it was saved: the person follows it, told so. Anything else (a form with
    an error, a page that is gone) is shown as the view answered it, with what was typed.
    """
    request.method = "POST"
    request.META["REQUEST_METHOD"] = "POST"
    request.POST = QueryDict(urlencode(kept["data"], doseq=True))
    request._files = MultiValueDict()  # type: ignore[attr-defined]
    # The token was checked when the form was kept; this request is our own sign-in redirect.
    request.csrf_processing_done = True  # type: ignore[attr-defined]
    response = get_response(request)
    saved = _was_saved(response)
    if saved:
        messages.success(request, SAVED_MESSAGE)
        # MessageMiddleware has already stored this response's messages; store them again.
        storage = messages.get_messages(request)
        if isinstance(storage, BaseStorage):
            storage.update(response)
    user = request.user
    record(
        action="signin.kept_form_resent",
        request=request,
        outcome="success" if saved else "failure",
        organisation=getattr(user, "organisation", None),
        detail={
            "view": kept["view"],
            "status": response.status_code,
            "minutes_kept": int(time.time() - kept["kept_at"]) // 60,
        },
    )
    return response
