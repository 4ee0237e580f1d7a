"""Nothing stored in plain text may rebuild an ID number (SECURITY.md 21). The plain birth date becomes the
birth year and month (the first of the month), and the plain mask `430527********123X` goes: lists derive it
from the ciphertext, and the search by the last four characters uses a keyed hash of them. The hash is made
from the old mask's tail, so no decryption is needed. Irreversible: the birth day and the tail are no longer
kept in plain text, which is the point."""

from django.db import migrations, models

import openpes.core.fields

BATCH = 2000


def fill(apps, schema_editor):
    from openpes.core.crypto import provider

    Person = apps.get_model("people", "Person")
    crypto = provider()
    batch = []
    for person in Person.objects.only("pk", "birth_date", "id_number_masked").iterator(chunk_size=BATCH):
        person.birth_month = person.birth_date.replace(day=1)
        person.id_tail_index = crypto.blind_index(person.id_number_masked[-4:], context="people.person.id_tail")
        batch.append(person)
        if len(batch) == BATCH:
            Person.objects.bulk_update(batch, ["birth_month", "id_tail_index"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["birth_month", "id_tail_index"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_blind_indexes_of_128_bits"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="birth_month",
            field=models.DateField(null=True, verbose_name="出生年月"),
        ),
        migrations.AddField(
            model_name="person",
            name="id_tail_index",
            field=openpes.core.fields.BlindIndexField(default="", max_length=32, verbose_name="身份证号码后四位索引"),
            preserve_default=False,
        ),
        migrations.RunPython(fill),
        migrations.AlterField(
            model_name="person",
            name="birth_month",
            field=models.DateField(help_text="出生年月的第一天；具体日期只在身份证号码密文中", verbose_name="出生年月"),
        ),
        migrations.RemoveField(model_name="person", name="birth_date"),
        migrations.RemoveField(model_name="person", name="id_number_masked"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["id_tail_index"], name="person_id_tail"),
        ),
    ]
