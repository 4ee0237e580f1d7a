"""Households are closed with a reason once empty, never deleted; and every member lives in the household's
village. Members left behind by a household moved before this release (the move did not take them along)
follow their household here, each move written to the change log."""

from django.db import migrations, models


def members_follow_their_household(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    ChangeLog = apps.get_model("audit", "ChangeLog")
    strays = Person.objects.exclude(household=None).exclude(region_code=models.F("household__region_code"))
    for person in strays.select_related("household").iterator():
        before, after = person.region_code, person.household.region_code
        Person.objects.filter(pk=person.pk).update(region_code=after)
        ChangeLog.objects.create(
            actor=None,
            actor_name="系统升级",
            channel="cli",
            action="update",
            target_type="people.person",
            target_id=str(person.pk),
            region_code=after,
            changes={"region_code": [before, after]},
            summary=f"{person.name} 随户 {person.household_id} 迁入家庭所在村（社区）（数据修复）"[:200],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_birth_month_and_tail_index"),
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="注销时间"),
        ),
        migrations.AddField(
            model_name="household",
            name="closed_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="注销原因"),
        ),
        migrations.RunPython(members_follow_their_household, migrations.RunPython.noop),
    ]
