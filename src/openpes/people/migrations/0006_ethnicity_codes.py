"""民族 becomes a GB/T 3304 code (two digits, see people.models.Ethnicity) instead of free text.

Existing values are mapped by name: the standard names (汉族, 苗族, 侗族 …), the same without 族 (汉, 苗 …),
common variants (其它, 外国血统, 外国人入籍, the frequent misspelling 达翰尔族) and values that are already a
code. Anything else that is not empty, which no code can be chosen for with confidence (a typing error, a
group the standard does not list such as 穿青人), becomes 97 其他; an empty value stays empty (not recorded).
Irreversible in meaning: the original text of an unknown value is not kept (the change log has it)."""

from django.db import migrations, models

# Frozen here rather than imported from people.models, so that this migration keeps its meaning whatever
# the model says later.
NAMES = (  # noqa: SIM905 - one string reads like the standard
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 "
    "撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 "
    "京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
OTHER, FOREIGN_ORIGIN = "97", "98"
VARIANTS = {
    "其他": OTHER,
    "其它": OTHER,
    "外国血统": FOREIGN_ORIGIN,
    "外国血统中国籍人士": FOREIGN_ORIGIN,
    "外国人入籍": FOREIGN_ORIGIN,
    "达翰尔族": "31",
}


def code_of(text: str) -> str:
    """The code for a stored value; "" stays "", anything unrecognised is 97 其他."""
    value = "".join(text.split())
    if not value:
        return ""
    codes = {f"{n:02d}" for n in range(1, 57)} | {OTHER, FOREIGN_ORIGIN}
    if value in codes:
        return value
    for number, name in enumerate(NAMES, start=1):
        if value == name or value + "族" == name:
            return f"{number:02d}"
    return VARIANTS.get(value, OTHER)


def to_codes(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    # One UPDATE per distinct text: a county holds a handful of distinct values over its many rows.
    for text in list(Person.objects.values_list("ethnicity", flat=True).distinct()):
        code = code_of(text)
        if code != text:
            Person.objects.filter(ethnicity=text).update(ethnicity=code)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_household_closing"),
    ]

    operations = [
        migrations.RunPython(to_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="ethnicity",
            field=models.CharField(
                blank=True,
                choices=[
                    *[(f"{n:02d}", name) for n, name in enumerate(NAMES, start=1)],
                    ("97", "其他"),
                    ("98", "外国血统中国籍人士"),
                ],
                max_length=2,
                verbose_name="民族",
            ),
        ),
    ]
