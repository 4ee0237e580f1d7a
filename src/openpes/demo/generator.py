"""The synthetic demo county: households and persons with plausible names and valid ID numbers.

Everything is drawn from one seeded random generator, so the same seed gives the same county. The names
are drawn from common surnames and given-name characters; ID numbers carry the county's division code, a
birth date for an age of 16–70 and a correct GB 11643 check digit. Households look like rural households:
a head, usually a spouse, children, sometimes a parent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from openpes.core.identifiers import check_digit
from openpes.people.models import Education, Ethnicity, PoliticalStatus, Relation
from openpes.people.services import HouseholdInput, PersonInput

SURNAMES = (
    "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军勇杰涛明超斌波辉刚健平华建国文俊峰鹏志浩宇军海林东亮晨阳凯鑫博"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲燕萍红梅兰琴云莉婷雪慧颖倩洁佳琳丹璐晶蓉"
# Long-allocated mobile prefixes (China Mobile, Unicom, Telecom), so that generated numbers validate.
MOBILE_PREFIXES = [
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "182",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "181",
    "189",
]
ETHNICITIES = (
    [Ethnicity.HAN.value] * 6
    + [Ethnicity.MIAO.value] * 3
    + [Ethnicity.DONG.value] * 3
    + [Ethnicity.YAO.value]
)


@dataclass(frozen=True)
class DemoPerson:
    name: str
    id_number: str
    phone: str
    region_code: str
    relation: str
    education: str
    ethnicity: str
    political_status: str


@dataclass(frozen=True)
class DemoHousehold:
    region_code: str
    address: str
    members: list[DemoPerson]

    def as_input(self) -> HouseholdInput:
        """The household as the registry's bulk service takes it."""
        return HouseholdInput(
            region_code=self.region_code,
            address=self.address,
            members=[
                PersonInput(
                    name=m.name,
                    id_number=m.id_number,
                    phone=m.phone,
                    region_code=m.region_code,
                    address=self.address,
                    relation_to_head=m.relation,
                    education=m.education,
                    ethnicity=m.ethnicity,
                    political_status=m.political_status,
                )
                for m in self.members
            ],
        )


class CountyGenerator:
    def __init__(
        self, *, county_code: str, villages: list[tuple[str, str]], seed: int = 430527, today: dt.date
    ) -> None:
        self.rng = random.Random(seed)
        self.county = county_code[:6]
        self.villages = villages
        self.today = today
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()

    def name(self, sex: str, surname: str | None = None) -> str:
        pool = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
        given = "".join(self.rng.choice(pool) for _ in range(self.rng.choice((1, 2, 2))))
        return (surname or self.rng.choice(SURNAMES)) + given

    def birthday(self, age: int) -> dt.date:
        """The latest birth date of someone `age` years old today (counting years, not 365-day blocks, so
        that nobody generated as 16 is 15 because of leap days)."""
        try:
            return self.today.replace(year=self.today.year - age)
        except ValueError:  # today is 29 February
            return self.today.replace(year=self.today.year - age, day=28)

    def id_number(self, age: int, sex: str) -> str:
        while True:
            born = self.birthday(age) - dt.timedelta(days=self.rng.randrange(0, 365))
            sequence = self.rng.randrange(0, 100)
            sex_digit = self.rng.choice("13579" if sex == "M" else "02468")
            first17 = f"{self.county}{born:%Y%m%d}{sequence:02d}{sex_digit}"
            value = first17 + check_digit(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def phone(self) -> str:
        while True:
            value = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(0, 10**8):08d}"
            if value not in self.used_phones:
                self.used_phones.add(value)
                return value

    def education(self, age: int) -> str:
        if age > 55:
            return self.rng.choice([Education.PRIMARY_OR_LESS, Education.JUNIOR_SECONDARY])
        weights = [
            (Education.PRIMARY_OR_LESS, 1),
            (Education.JUNIOR_SECONDARY, 5),
            (Education.SENIOR_SECONDARY, 3),
            (Education.VOCATIONAL_SECONDARY, 2),
            (Education.JUNIOR_COLLEGE, 2),
            (Education.BACHELOR, 1),
        ]
        return self.rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]

    def person(
        self, *, age: int, sex: str, region_code: str, relation: str, surname: str | None = None
    ) -> DemoPerson:
        political = self.rng.choices(
            [PoliticalStatus.MASSES, PoliticalStatus.PARTY_MEMBER, PoliticalStatus.LEAGUE_MEMBER], [8, 1, 1]
        )[0]
        return DemoPerson(
            name=self.name(sex, surname),
            id_number=self.id_number(age, sex),
            phone=self.phone() if self.rng.random() < 0.85 else "",
            region_code=region_code,
            relation=relation,
            education=self.education(age),
            ethnicity=self.rng.choice(ETHNICITIES),
            political_status=political,
        )

    def household(self) -> DemoHousehold:
        region_code, village_name = self.rng.choice(self.villages)
        head_sex = "M" if self.rng.random() < 0.85 else "F"
        head_age = self.rng.randint(28, 66)
        surname = self.rng.choice(SURNAMES)
        members = [
            self.person(
                age=head_age, sex=head_sex, region_code=region_code, relation=Relation.HEAD, surname=surname
            )
        ]
        if self.rng.random() < 0.8:
            spouse_age = max(20, min(70, head_age + self.rng.randint(-5, 3)))
            members.append(
                self.person(
                    age=spouse_age,
                    sex="F" if head_sex == "M" else "M",
                    region_code=region_code,
                    relation=Relation.SPOUSE,
                )
            )
        for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
            child_age = head_age - self.rng.randint(22, 32)
            if child_age >= 16:
                members.append(
                    self.person(
                        age=child_age,
                        sex=self.rng.choice("MF"),
                        region_code=region_code,
                        relation=Relation.CHILD,
                        surname=surname,
                    )
                )
        if head_age < 45 and self.rng.random() < 0.25:
            members.append(
                self.person(
                    age=min(70, head_age + self.rng.randint(24, 30)),
                    sex=self.rng.choice("MF"),
                    region_code=region_code,
                    relation=Relation.PARENT,
                    surname=surname,
                )
            )
        address = f"{village_name}{self.rng.randint(1, 12)}组{self.rng.randint(1, 99)}号"
        return DemoHousehold(region_code=region_code, address=address, members=members)

    def households(self, persons: int) -> Iterator[DemoHousehold]:
        made = 0
        while made < persons:
            household = self.household()
            made += len(household.members)
            yield household
