"""Contact details get a public id (for the audit trail and the data-subject export) and the
token of their last save (a form sent twice saves once). Rows made before get an id each."""

from __future__ import annotations

import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    ContactDetails = apps.get_model("safety", "ContactDetails")
    for details in ContactDetails.objects.filter(public_id=None).only("pk"):
        ContactDetails.objects.filter(pk=details.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="contactdetails",
            name="token",
            field=models.UUIDField(blank=True, null=True),
        ),
        # Added empty, filled one row at a time, then made unique: a default on AddField
        # would give every existing row the same id.
        migrations.AddField(
            model_name="contactdetails",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="contactdetails",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
