from django.db import migrations


class Migration(migrations.Migration):
    """The revision counters moved to the revisions app (which copied their numbers first)."""

    dependencies = [
        ("reports", "0002_backfill_client_revisions"),
        ("revisions", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="CaseloadRevision"),
        migrations.DeleteModel(name="ClientRevision"),
    ]
