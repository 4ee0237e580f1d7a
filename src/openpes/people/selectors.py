"""Every read of the registry starts from `within(actor)`."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from openpes.accounts.models import Staff
from openpes.core.identifiers import full_id_number, full_phone, mask_id_for_log, mask_phone, normalise_text
from openpes.core.jurisdiction import ScopedQuerySet, code_range, covers, prefix_of
from openpes.core.prepared import PreparedRows, ProbeType
from openpes.people import rules
from openpes.people.models import Household, Person, Sex, id_number_masked
from openpes.people.services import id_index, id_tail_index, phone_index
from openpes.regions.models import Region, RegionLevel


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""  # a name, a full ID number, its last four characters, a masked number, or a phone number
    region: str = ""  # a region code inside the jurisdiction: the township or village to look in
    sex: str = ""
    household: int | None = None

    @property
    def by_full_id_number(self) -> bool:
        return full_id_number(self.q) is not None

    @property
    def by_phone(self) -> bool:
        return full_id_number(self.q) is None and full_phone(self.q) is not None

    def describe(self) -> str:
        """The filter in words, for the audit log; a full ID number or phone stays masked."""
        number = full_id_number(self.q)
        phone = None if number else full_phone(self.q)
        keyword = mask_id_for_log(number) if number else mask_phone(phone) if phone else self.q.strip()
        parts = [
            f"地区 {self.region}" if self.region else "",
            f"关键词 {keyword}" if keyword else "",
            f"性别 {Sex(self.sex).label}" if self.sex in Sex.values else "",
            f"家庭 {self.household}" if self.household else "",
        ]
        return "条件：" + ("，".join(p for p in parts if p) or "全部")


def person_search(persons: ScopedQuerySet[Person], q: str) -> ScopedQuerySet[Person]:
    text = normalise_text(q)
    if not text:
        return persons
    number = full_id_number(text)
    if number:
        return persons.filter(id_number_index=id_index(number))
    if len(text) == 18 and _MASKED_ID.fullmatch(text):
        # The tail's keyed hash narrows to a few dozen per county; the division is checked on the mask.
        same_tail = persons.filter(id_tail_index=id_tail_index(text[-4:]))
        return persons.filter(pk__in=[p.pk for p in same_tail if p.id_number_masked[:6] == text[:6]])
    if _ID_TAIL.fullmatch(text):
        return persons.filter(id_tail_index=id_tail_index(text))
    phone = full_phone(text)
    if phone:
        return persons.filter(phone_index=phone_index(phone))  # exact, through the blind index
    if "*" in text and text.replace("*", "").replace("-", "").isdigit():
        return persons.filter(phone_masked=text)  # a masked phone, as links after a phone search carry it
    return persons.filter(name__contains=q.strip())


_MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")
_ID_TAIL = re.compile(r"\d{3}[\dX]")


def person_list(*, actor: Staff, filters: PersonFilters = PersonFilters()) -> ScopedQuerySet[Person]:
    if filters.region and not covers(actor.jurisdiction_prefix, filters.region):
        return Person.objects.none()
    persons = _narrowed(
        Person.objects.within(actor),
        region=code_range(prefix_of(filters.region)) if filters.region else None,
        sex=filters.sex,
        household=filters.household,
    )
    return person_search(persons, filters.q)


def _narrowed(
    persons: ScopedQuerySet[Person], *, region: tuple[str, str] | None, sex: str, household: int | None
) -> ScopedQuerySet[Person]:
    """The filters of a person list other than the search, for `person_list` and its prepared twin."""
    if region:
        persons = persons.filter(region_code__range=region)
    if sex:
        persons = persons.filter(sex=sex)
    if household:
        persons = persons.filter(household_id=household)
    return persons


# What a list shows of a person, read as plain columns; the ciphertext and the birth month only to derive
# the mask and the age, which are shown instead.
_ROW_COLUMNS = (
    "id",
    "name",
    "id_number_encrypted",
    "phone_masked",
    "birth_month",
    "sex",
    "region_code",
    "address",
    "household_id",
    "relation_to_head",
    "education",
    "ethnicity",
    "political_status",
    "created_at",
    "updated_at",
)


def person_rows(persons: QuerySet[Person]) -> list[dict[str, Any]]:
    """The persons of `persons` (a page of `person_list`) as the API's lists show them: a dict per person
    with the keys of `PersonOut`, the ID number masked as `Person.id_number_masked` masks it and the age
    as `Person.age` counts it, read as plain rows rather than model instances (a list is read far more
    often than anything else)."""
    return _shown(list(persons.values(*_ROW_COLUMNS)))


def _shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    for row in rows:
        row["id_number_masked"] = id_number_masked(row.pop("id_number_encrypted"))
        row["age"] = rules.age_from_month(row.pop("birth_month"), today)
        row["household"] = row.pop("household_id")
    return rows


@functools.cache
def _prepared_page(region: bool, sex: bool, household: bool) -> PreparedRows:
    """`person_list` without a search, as a prepared query, for each combination of the other filters."""
    kinds: list[ProbeType] = [str, str, *([str, str] if region else []), *([str] if sex else [])]
    kinds += [int] if household else []

    def build(*values: Any) -> QuerySet[Person]:
        given = iter(values)
        persons = Person.objects.in_range(next(given), next(given))
        return _narrowed(
            persons,
            region=(next(given), next(given)) if region else None,
            sex=next(given) if sex else "",
            household=next(given) if household else None,
        ).values(*_ROW_COLUMNS)

    return PreparedRows(build, *kinds)


class PersonRows:
    """The API's person list (`person_list` read as `person_rows`), a page at a time: a list without a search
    (the list as it opens, and its filters) runs a prepared query (core.prepared) that brings the whole
    list's count with the page, a search the queryset and its count."""

    def __init__(self, actor: Staff, filters: PersonFilters) -> None:
        self.actor, self.filters = actor, filters
        self.prepared: PreparedRows | None = None
        self.values: list[Any] = []
        self.counted: int | None = None  # the count that came with the last page
        prefix = actor.jurisdiction_prefix
        if prefix and not filters.q.strip() and (not filters.region or covers(prefix, filters.region)):
            self.prepared = _prepared_page(bool(filters.region), bool(filters.sex), bool(filters.household))
            self.values = [
                *code_range(prefix),
                *(code_range(prefix_of(filters.region)) if filters.region else ()),
                *([filters.sex] if filters.sex else []),
                *([filters.household] if filters.household else []),
            ]

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self.prepared is None:
            return person_rows(self.queryset()[offset : offset + limit])
        rows, self.counted = self.prepared.page_and_count(self.values, offset=offset, limit=limit)
        return _shown(rows)

    def count(self) -> int:
        if self.prepared is None:
            return self.queryset().count()
        if self.counted is not None:
            return self.counted
        return self.prepared.count(self.values)

    def queryset(self) -> QuerySet[Person]:
        return person_list(actor=self.actor, filters=self.filters)


def person_get(*, actor: Staff, pk: int) -> Person | None:
    return Person.objects.within(actor).select_related("household").filter(pk=pk).first()


def _households_as_seen(actor: Staff) -> QuerySet[Household]:
    """Households of the jurisdiction with what may be shown of them: `member_count` and `head_name` count
    and name only members inside the jurisdiction (a household's members all live in its village, but
    nothing shown may rest on that alone)."""
    inside = code_range(actor.jurisdiction_prefix) if actor.jurisdiction_prefix else ("", "")
    return Household.objects.within(actor).annotate(
        member_count=Count("members", filter=Q(members__region_code__range=inside)),
        head_name=Case(When(head__region_code__range=inside, then=F("head__name")), default=Value("")),
        visible_head_id=Case(When(head__region_code__range=inside, then=F("head_id")), default=None),
    )


def household_list(
    *, actor: Staff, region: str = "", q: str = "", closed: bool = False
) -> QuerySet[Household]:
    """Households in use, or (closed=True) the closed ones."""
    households = _households_as_seen(actor).filter(closed_at__isnull=not closed)
    if region:
        if not covers(actor.jurisdiction_prefix, region):
            return households.none()
        households = households.filter(region_code__range=code_range(prefix_of(region)))
    if q:
        heads = person_search(Person.objects.within(actor), q).values("household_id")
        households = households.filter(Q(pk__in=heads) | Q(address__contains=q.strip()))
    return households.order_by("region_code", "pk")


def household_get(*, actor: Staff, pk: int) -> Household | None:
    return _households_as_seen(actor).filter(pk=pk).first()


def member_candidates(*, actor: Staff, household: Household, q: str) -> QuerySet[Person]:
    """Persons of the jurisdiction a member picker offers for `household`: matching the search, not already
    in it, each with the name of the head of their present household if that head is inside the
    jurisdiction (`household_head_name`)."""
    if not q.strip():
        return Person.objects.none()
    inside = code_range(actor.jurisdiction_prefix)
    return (
        person_list(actor=actor, filters=PersonFilters(q=q))
        .exclude(household=household)
        .annotate(
            household_head_id=F("household__head_id"),
            household_head_name=Case(
                When(household__head__region_code__range=inside, then=F("household__head__name")),
                default=Value(""),
            ),
        )
    )


def household_members(*, actor: Staff, household: Household) -> QuerySet[Person]:
    return (
        Person.objects.within(actor)
        .filter(household=household)
        .order_by("relation_to_head", "pk")  # not by birth month, which is never shown
    )


def age_bands(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(label, birth month after, birth month on or before) for the bands a county report uses; ages as
    `Person.age` counts them, from the birth month."""

    def years_ago(n: int) -> dt.date:
        return dt.date(today.year - n, today.month, 1)

    bands = [
        ("16–24岁", 16, 25),
        ("25–34岁", 25, 35),
        ("35–44岁", 35, 45),
        ("45–59岁", 45, 60),
        ("60岁及以上", 60, 200),
    ]
    return [(label, years_ago(high), years_ago(low)) for label, low, high in bands]


def dashboard_summary(*, actor: Staff) -> dict[str, Any]:
    """Counts for the dashboard of the actor's jurisdiction, with one row per child region."""
    persons = Person.objects.within(actor)
    today = timezone.localdate()
    totals = persons.aggregate(
        total=Count("id"),
        men=Count("id", filter=Q(sex="M")),
        women=Count("id", filter=Q(sex="F")),
        with_phone=Count("id", filter=~Q(phone_index="")),
        **{
            f"band{i}": Count("id", filter=Q(birth_month__gt=after, birth_month__lte=upto))
            for i, (_, after, upto) in enumerate(age_bands(today))
        },
    )
    region = actor.jurisdiction
    child_level = min(region.level + 1, RegionLevel.VILLAGE)
    child_length = RegionLevel(child_level).prefix_length
    children = {r.code: r.name for r in Region.objects.within(actor).filter(level=child_level)}
    per_child: dict[str, int] = {}
    if region.level < RegionLevel.VILLAGE:
        for code, count in (
            persons.values_list("region_code").annotate(n=Count("id")).values_list("region_code", "n")
        ):
            key = code[:child_length].ljust(12, "0")
            per_child[key] = per_child.get(key, 0) + count
    return {
        "persons": totals["total"],
        "households": Household.objects.within(actor).count(),
        "men": totals["men"],
        "women": totals["women"],
        "with_phone": totals["with_phone"],
        "age_bands": [(label, totals[f"band{i}"]) for i, (label, _, _) in enumerate(age_bands(today))],
        "children": sorted(
            ((code, name, per_child.get(code, 0)) for code, name in children.items()), key=lambda row: row[0]
        )
        if region.level < RegionLevel.VILLAGE
        else [],
        "child_level_label": RegionLevel(child_level).label,
    }
