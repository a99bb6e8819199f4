from django.db import migrations


def backfill(apps, schema_editor):
    """Give every existing client a revision row, as new clients get one when first saved."""
    ClientProfile = apps.get_model("accounts", "ClientProfile")
    ClientRevision = apps.get_model("reports", "ClientRevision")
    have = set(ClientRevision.objects.values_list("client_id", flat=True))
    ClientRevision.objects.bulk_create(
        [
            ClientRevision(client_id=pk, number=0)
            for pk in ClientProfile.objects.values_list("pk", flat=True)
            if pk not in have
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
