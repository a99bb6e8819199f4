"""Seed a large organisation for benchmarks: clinicians, clients, two years of history.

    python -m bench.seed --clients 5000 --clinicians 50 --weeks 104

Every client has a PHQ-9 and a GAD-7 each week (answers drifting from moderate towards
mild, with noise), two practice sessions a week with check-ins, one daily homework, and one
client in a hundred has an open risk episode. Rows are written in bulk; run it on an empty
database (it refuses otherwise). Prints the first clinician's e-mail and one client's id.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import uuid
from datetime import UTC, datetime, time, timedelta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--clinicians", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    seed(args.clients, args.clinicians, args.weeks, random.Random(args.seed))
    return 0


def seed(clients: int, clinicians: int, weeks: int, rng: random.Random) -> None:
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tending.accounts.models import ClientProfile, Membership, Organisation, User
    from tending.assignments.models import Assignment
    from tending.measures import scoring
    from tending.measures.definitions import get_definition
    from tending.measures.models import Response
    from tending.practices.models import Practice, PracticeLog
    from tending.safety.models import RiskAnswer, RiskEpisode

    if Organisation.objects.exists():
        sys.exit("bench.seed: the database already has data; seed an empty one")
    now = datetime.now(UTC).replace(microsecond=0)
    breathing = Practice.objects.get(key="soothing-rhythm-breathing")
    patterns = {}
    for key, items in (("phq9", 9), ("gad7", 7)):
        definition = get_definition(key)
        for total in range(items * 3 + 1):
            answers = {n: min(3, max(0, total - 3 * (n - 1))) for n in range(1, items + 1)}
            if key == "phq9":  # keep item 9 at 0 by moving its share to the others
                answers = {n: min(3, max(0, total - 3 * (n - 1))) for n in range(1, 9)} | {9: 0}
            result = scoring.score(definition, answers)
            patterns[(key, total)] = (
                {str(n): v for n, v in answers.items()},
                result.total,
                result.band or "",
            )

    with transaction.atomic():
        organisation = Organisation.objects.create(name="Bench Clinic")
        staff = []
        for number in range(clinicians):
            user = User.objects.create_user(
                f"clinician{number}@bench.example", "bench passphrase 1", name=f"Clinician {number}"
            )
            Membership.objects.create(user=user, organisation=organisation, role="clinician")
            TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            staff.append(user)
        profiles = ClientProfile.objects.bulk_create(
            ClientProfile(
                organisation=organisation,
                primary_clinician=staff[number % clinicians],
                name=f"Client {number:05d} {rng.choice(['Ash', 'Bea', 'Cal', 'Dee', 'Eli'])}",
                email=f"client{number}@bench.example",
                time_zone="Europe/London",
                created_at=now - timedelta(weeks=weeks + 1),
            )
            for number in range(clients)
        )
    for batch_start in range(0, len(profiles), 100):
        batch = profiles[batch_start : batch_start + 100]
        responses, logs, assignments = [], [], []
        for profile in batch:
            start = {"phq9": rng.randint(10, 22), "gad7": rng.randint(8, 18)}
            for week in range(weeks, 0, -1):
                moment = now - timedelta(weeks=week, hours=rng.randint(0, 48))
                progress = (weeks - week) / max(weeks, 1)
                for key, top in (("phq9", 24), ("gad7", 21)):
                    total = round(start[key] * (1 - 0.5 * progress) + rng.gauss(0, 2))
                    answers, score, band = patterns[(key, max(0, min(top, total)))]
                    responses.append(
                        Response(
                            client=profile,
                            token=uuid.uuid4(),
                            measure_key=key,
                            measure_version=1,
                            source="client",
                            entered_by_id=profile.primary_clinician_id,
                            answers=answers,
                            complete=True,
                            total=score,
                            band=band,
                            subscales={},
                            completed_at=moment,
                        )
                    )
                for session in range(2):
                    started = now - timedelta(
                        weeks=week, days=session * 3, hours=rng.randint(1, 12)
                    )
                    seconds = rng.choice([180, 300, 420, 600])
                    logs.append(
                        PracticeLog(
                            client=profile,
                            token=uuid.uuid4(),
                            practice=breathing,
                            practice_version=breathing.version,
                            started_at=started,
                            ended_at=started + timedelta(seconds=seconds),
                            outcome="completed",
                            seconds_practised=seconds,
                            before_threat=rng.randint(3, 8),
                            after_threat=rng.randint(1, 6),
                            before_soothe=rng.randint(1, 5),
                            after_soothe=rng.randint(3, 8),
                            feeling=rng.choice(["settling", "neutral", ""]),
                        )
                    )
            assignments.append(
                Assignment(
                    client=profile,
                    kind="practice",
                    practice=breathing,
                    repeat="daily",
                    start_date=(now - timedelta(weeks=weeks)).date(),
                    window_start=time(7),
                    window_end=time(21),
                    created_by_id=profile.primary_clinician_id,
                )
            )
        with transaction.atomic():
            Response.objects.bulk_create(responses, batch_size=2000)
            PracticeLog.objects.bulk_create(logs, batch_size=2000)
            Assignment.objects.bulk_create(assignments)
    alerted = profiles[::100]
    with transaction.atomic():
        for profile in alerted:
            latest = Response.objects.filter(client=profile, measure_key="phq9").first()
            if latest is not None:
                episode = RiskEpisode.objects.create(
                    client=profile, priority="standard", opened_at=latest.completed_at
                )
                RiskAnswer.objects.create(
                    episode=episode,
                    client=profile,
                    response_id=latest.public_id,
                    measure_key="phq9",
                    measure_title="PHQ-9",
                    items=[{"item": 9, "answer": 1, "text": "", "answer_label": "Several days"}],
                    priority="standard",
                    answered_at=latest.completed_at,
                )
    # As a database that has been running a while: statistics gathered, PostgreSQL's
    # visibility map set (a freshly bulk-loaded table makes every index scan visit the heap).
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"seeded {clients} clients, {clinicians} clinicians, {weeks} weeks")


if __name__ == "__main__":
    raise SystemExit(main())
