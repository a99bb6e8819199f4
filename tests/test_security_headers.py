"""Protective headers on every kind of response, and templates that keep the CSP strict.

Pages, redirects, error pages (400, 403, 404, 405, 429, 500), CSV and PDF downloads,
recordings and static files each carry a strict Content-Security-Policy (no inline or
evaluated script or style), nosniff, a same-origin referrer policy, DENY framing, an isolated
opener and a Permissions-Policy. Everything but static files says `no-store`. Production adds
HSTS. (ASVS 3.4.1, 3.4.3, 3.4.4, 3.4.6, 14.3.2; reliability plan T27.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tending.practices.models import Practice
from tending.testing.personas import World, sign_in
from tending.testing.practice_records import make_recording
from tests.test_configuration import PRODUCTION, tending

ROOT = Path(settings.BASE_DIR)


def _signed_in(world: World, persona: str) -> Client:
    return sign_in(Client(raise_request_exception=False), world.persona(persona))


def _server_error(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("tending.safety.views.help.render", broken)
    return Client(raise_request_exception=False).get(reverse("help"))


def _rate_limited(world, monkeypatch):
    monkeypatch.setattr(settings, "RATE_LIMITS", {**settings.RATE_LIMITS, "exports": (0, 3600)})
    return _signed_in(world, "clinician_a").get(reverse("caseload_csv"))


def _recording(world, monkeypatch):
    builtin = Practice.objects.get(key="soothing-rhythm-breathing")
    recording = make_recording(world.clinician_a, builtin)
    return _signed_in(world, "clinician_a").get(
        reverse("recording_audio", args=[recording.public_id])
    )


RESPONSES: dict[str, tuple[int, Callable[..., Any]]] = {
    "public page": (200, lambda world, mp: Client().get(reverse("sign_in"))),
    "client page": (200, lambda world, mp: _signed_in(world, "client_a").get(reverse("today"))),
    "clinician page": (
        200,
        lambda world, mp: _signed_in(world, "clinician_a").get(reverse("dashboard")),
    ),
    "redirect": (302, lambda world, mp: Client().get(reverse("dashboard"))),
    "400 bad host": (400, lambda world, mp: Client(HTTP_HOST="evil.example").get("/")),
    "403 expired form": (
        403,
        lambda world, mp: Client(enforce_csrf_checks=True).post(reverse("sign_in"), {}),
    ),
    "404": (404, lambda world, mp: _signed_in(world, "client_a").get("/no-such-page/")),
    "405": (405, lambda world, mp: Client().get(reverse("sign_out"))),
    "429": (429, _rate_limited),
    "500": (500, _server_error),
    "CSV download": (
        200,
        lambda world, mp: _signed_in(world, "clinician_a").get(
            reverse("client_csv", args=[world.client_a.public_id])
        ),
    ),
    "audit CSV": (
        200,
        lambda world, mp: _signed_in(world, "admin_a").get(reverse("audit_log_csv")),
    ),
    "PDF download": (
        200,
        lambda world, mp: _signed_in(world, "clinician_a").get(
            reverse("client_progress_pdf", args=[world.client_a.public_id])
        ),
    ),
    "recording": (200, _recording),
    "static stylesheet": (200, lambda world, mp: Client().get("/static/tending/tending.css")),
    "static SVG": (200, lambda world, mp: Client().get("/static/tending/icon.svg")),
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict_csp(header: str) -> None:
    directives = csp_directives(header)
    for name in ("default-src", "script-src", "style-src"):
        sources = directives.get(name) or directives["default-src"]
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"} & set(sources)
        assert "data:" not in sources
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


@pytest.mark.parametrize("kind", sorted(RESPONSES))
def test_it_protects_every_kind_of_response(world, monkeypatch, settings, tmp_path, kind):
    settings.MEDIA_DIR = tmp_path
    status, fetch = RESPONSES[kind]
    response = fetch(world, monkeypatch)

    assert response.status_code == status
    assert_strict_csp(response["Content-Security-Policy"])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer"}
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "payment=()"):
        assert feature in policy
    if not kind.startswith("static"):
        assert response["Cache-Control"] == "no-store"


def test_it_shows_error_pages_calmly_without_details(world, monkeypatch):
    response = _server_error(world, monkeypatch)
    assert b"Something went wrong on our side" in response.content
    assert b"a bug" not in response.content
    assert b"Traceback" not in response.content


def test_it_strictly_requires_https_in_production(tmp_path):
    code = (
        "from django.test import Client; "
        "secure = Client().get('/', secure=True, HTTP_HOST='tending.example.org'); "
        "plain = Client().get('/', HTTP_HOST='tending.example.org'); "
        "print(secure.status_code, secure['Strict-Transport-Security'], "
        "plain.status_code, plain['Location'], secure['X-Frame-Options'])"
    )
    result = tending("shell", "-c", code, env=PRODUCTION, tmp_path=tmp_path)
    assert result.stdout.split(" ") == [
        "302",
        "max-age=31536000;",
        "includeSubDomains",
        "301",
        "https://tending.example.org/",
        "DENY\n",
    ], result.stderr


# Templates: nothing that a strict CSP would have to allow, and nothing unescaped.
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "on…= event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "|safe": re.compile(r"\|\s*safe(seq)?\b"),
    "autoescape off": re.compile(r"\{%\s*autoescape\s+off"),
}
# The QR code is SVG that Tending draws itself from the device's key (two_factor.qr_code_svg).
REVIEWED = {("accounts/templates/accounts/two_factor_setup.html", "{{ qr_svg|safe }}")}


def template_files() -> list[Path]:
    folders = [ROOT / "tending" / "templates", ROOT / "bench" / "templates"]
    folders += sorted((ROOT / "tending").glob("*/templates"))
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())


def unsafe_lines(path: Path, text: str) -> list[str]:
    found = []
    name = path.relative_to(ROOT / "tending").as_posix() if "tending" in path.parts else ""
    for number, line in enumerate(text.splitlines(), start=1):
        for label, pattern in INLINE.items():
            if label == "autoescape off" and path.suffix == ".txt":
                continue  # plain-text e-mails are never read as HTML; escaping would garble them
            match = pattern.search(line)
            if match and not any(name == n and snippet in line for n, snippet in REVIEWED):
                found.append(f"{path.relative_to(ROOT)}:{number}: {label}: {line.strip()}")
    return found


def test_it_finds_every_template_folder():
    files = template_files()
    apps = {path.relative_to(ROOT).parts[1] for path in files}
    assert {"templates", "accounts", "practices", "reports"} <= apps
    assert len(files) > 50


def test_it_keeps_scripts_styles_and_unescaped_output_out_of_templates():
    found = [line for path in template_files() for line in unsafe_lines(path, path.read_text())]
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        "<style>p{}</style>",
        '<p style="color: red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
        "{{ note|safe }}",
        "{% autoescape off %}",
    ],
)
def test_it_would_catch_an_unsafe_template(snippet):
    path = ROOT / "tending" / "journal" / "templates" / "journal" / "example.html"
    assert unsafe_lines(path, f"<div>\n{snippet}\n</div>") != []


def test_it_allows_scripts_from_files_and_the_reviewed_qr_code():
    path = ROOT / "tending" / "accounts" / "templates" / "accounts" / "two_factor_setup.html"
    text = '<script src="{% static "x.js" %}" defer></script>\n<div>{{ qr_svg|safe }}</div>'
    assert unsafe_lines(path, text) == []
