"""Blind indexes keep the first 128 bits of their HMAC (core.crypto.INDEX_BYTES): the first 32 of the 64 hex
digits stored so far, so existing rows are shortened in place, with no key needed. On PostgreSQL the columns
compare bytes (collation "C"; core.fields.BlindIndexField)."""

from django.db import migrations
from django.db.models.functions import Left

import openpes.core.fields


def shorten(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Person.objects.update(id_number_index=Left("id_number_index", 32), phone_index=Left("phone_index", 32))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_hash_indexes_without_pattern_ops"),
    ]

    operations = [
        # Irreversible: the other 128 bits are gone, and older code would look for 64 digits.
        migrations.RunPython(shorten),
        migrations.AlterField(
            model_name="person",
            name="id_number_index",
            field=openpes.core.fields.BlindIndexField(max_length=32, verbose_name="身份证号码索引"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone_index",
            field=openpes.core.fields.BlindIndexField(blank=True, max_length=32, verbose_name="联系电话索引"),
        ),
    ]
