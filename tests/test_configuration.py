"""Settings and the command line, exercised as an operator would: in a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PRODUCTION = {
    "TENDING_ENVIRONMENT": "production",
    "TENDING_SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ" * 2,
    "TENDING_ALLOWED_HOSTS": "tending.example.org",
    "TENDING_SITE_URL": "https://tending.example.org",
    "TENDING_EMAIL_HOST": "smtp.example.org",
    "TENDING_FIELD_ENCRYPTION_KEYS": "x8Ls0yV7QnKz3bTq6r1M9cA2dE5fG4hJ7kL0mN3pQ6s=",
    "TENDING_BACKUP_RECIPIENTS": "age1akwru40l6myqsga7fpn7l8j02hcyy40r4fgtzglqwxekp805zflqkuewf4",
}


def tending(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TENDING_", "DJANGO_", "DATABASE_URL"))
    }
    clean |= {"TENDING_DATA_DIR": str(tmp_path)} | env
    return subprocess.run(
        [sys.executable, "-m", "tending", *args, *(["--no-imports"] if args[0] == "shell" else [])],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_djangos_deploy_checks(tmp_path):
    result = tending(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr


def test_production_deploy_checks_want_somewhere_to_send_backups(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "TENDING_BACKUP_RECIPIENTS"}
    result = tending("check", "--deploy", env=env, tmp_path=tmp_path)
    assert result.returncode == 1
    assert (
        "(backups.E001) TENDING_BACKUP_RECIPIENTS (or TENDING_BACKUP_PASSPHRASE) is required "
        "in production." in result.stderr
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("TENDING_SECRET_KEY", "TENDING_SECRET_KEY is required in production."),
        ("TENDING_ALLOWED_HOSTS", "TENDING_ALLOWED_HOSTS is required in production."),
        ("TENDING_SITE_URL", "TENDING_SITE_URL must be the https:// address of the site."),
        ("TENDING_EMAIL_HOST", "Production sends real e-mail: set TENDING_EMAIL_HOST."),
        (
            "TENDING_FIELD_ENCRYPTION_KEYS",
            "TENDING_FIELD_ENCRYPTION_KEYS is required in production.",
        ),
    ],
)
def test_production_refuses_to_start_without_its_essentials(tmp_path, missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = tending("check", env=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"tending: configuration error: {message}"


def test_a_bad_value_is_named_in_one_line(tmp_path):
    result = tending("check", env={"TENDING_SESSION_IDLE_MINUTES": "soon"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "tending: configuration error: TENDING_SESSION_IDLE_MINUTES must be a whole number, "
        "not 'soon'."
    )


def test_an_unknown_phone_region_is_named_in_one_line(tmp_path):
    result = tending("check", env={"TENDING_PHONE_REGION": "UK"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "tending: configuration error: TENDING_PHONE_REGION must be a two-letter region code "
        "such as GB, not 'UK'."
    )
    assert tending("check", env={"TENDING_PHONE_REGION": "ie"}, tmp_path=tmp_path).returncode == 0


def test_development_makes_and_keeps_its_own_secret_key(tmp_path):
    first = tending(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env={},
        tmp_path=tmp_path,
    )
    second = tending(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env={},
        tmp_path=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_production_cookies_are_secure_and_host_only(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT)"
    )
    result = tending("shell", "-c", code, env=PRODUCTION, tmp_path=tmp_path)
    assert result.stdout.split() == [
        "True",
        "True",
        "__Host-tending_session",
        "31536000",
        "True",
        "True",
    ]


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="checks the SQLite settings; this run uses PostgreSQL",
)
def test_sqlite_is_set_up_for_concurrent_writers(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0], "
        "connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = tending("shell", "-c", code, env={}, tmp_path=tmp_path)
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"], result.stderr


def test_demo_data_loads_once_and_prints_working_sign_ins(tmp_path):
    import pyotp

    env = {
        "TENDING_DEMO_PASSWORD": "demo passphrase 123",
        "TENDING_DEMO_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    }
    assert tending("migrate", "-v0", env=env, tmp_path=tmp_path).returncode == 0
    first = tending("demo-data", env=env, tmp_path=tmp_path)
    second = tending("demo-data", env=env, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Demo data created." in first.stdout
    assert "Demo data already loaded." in second.stdout
    assert "demo passphrase 123" in second.stdout
    assert "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in second.stdout
    code = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now()
    counts = "; ".join(
        [
            "from tending.accounts.models import ClientProfile, Membership, Organisation, User",
            "from django_otp.plugins.otp_totp.models import TOTPDevice",
            "asha = TOTPDevice.objects.get(user__email='asha@riverside.example')",
            "sam = User.objects.get(email='sam@clients.riverside.example')",
            "print(Organisation.objects.count(), Membership.objects.filter(role='admin').count(),"
            " Membership.objects.filter(role='clinician').count(),"
            " ClientProfile.objects.count(),"
            f" int(asha.verify_token('{code}')), int(sam.check_password('demo passphrase 123')))",
            "from tending.practices.models import PracticeLog",
            "from tending.practices.views.history import _sessions",
            "from tending.practices.progress import needs_attention",
            "from django.utils import timezone",
            "chris = ClientProfile.objects.get(name='Chris Doyle')",
            "print(PracticeLog.objects.values('client').distinct().count(),"
            " int(needs_attention(_sessions(chris), timezone.now())))",
        ]
    )
    result = tending("shell", "-c", counts, env=env, tmp_path=tmp_path)
    # 2 organisations, 2 admins, 4 clinicians, 12 clients; the demo TOTP key and password
    # work; the 10 clients with accounts have practice history; one is flagged stirred up.
    assert result.stdout.split() == ["2", "2", "4", "12", "1", "1", "10", "1"], result.stderr
    assert "Practice history: 0 new practice logs." in second.stdout
    assert "Questionnaire history: 100 new responses." in first.stdout  # 10 clients x 2 x 5
    assert "Questionnaire history: 0 new responses." in second.stdout
    assert "Homework: 20 new assignments." in first.stdout
    assert "Homework: 0 new assignments." in second.stdout


def test_demo_data_names_a_bad_authenticator_secret_in_one_line(tmp_path):
    tending("migrate", "-v0", env={}, tmp_path=tmp_path)
    result = tending(
        "demo-data", env={"TENDING_DEMO_TOTP_SECRET": "not base32!"}, tmp_path=tmp_path
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: TENDING_DEMO_TOTP_SECRET must be base32 (letters A-Z, digits 2-7)."
    ]


def test_create_organisation_invites_its_first_admin(tmp_path):
    assert tending("migrate", "-v0", env={}, tmp_path=tmp_path).returncode == 0
    result = tending(
        "create-organisation",
        "Harbour Clinic",
        "--admin-email",
        "lead@harbour.example",
        "--admin-name",
        "Lee Harbour",
        env={},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8000/invitations/" in result.stdout
    again = tending(
        "create-organisation",
        "Harbour Clinic",
        "--admin-email",
        "x@harbour.example",
        "--admin-name",
        "X",
        env={},
        tmp_path=tmp_path,
    )
    assert again.returncode == 1
    assert (
        again.stderr.strip()
        == "CommandError: An organisation called 'Harbour Clinic' already exists."
    )


def test_an_unusable_encryption_key_fails_the_start_up_check(tmp_path):
    result = tending("check", env={"TENDING_FIELD_ENCRYPTION_KEYS": "not-a-key"}, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "tending.E001" in result.stderr
