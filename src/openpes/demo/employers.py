"""The demo county's employers: a few key enterprises with their specialist and demand surveys, employers
in every verification state, and two portal accounts (one verified, one waiting for the 审核)."""

from __future__ import annotations

import datetime as dt
import random

from openpes.accounts.models import Staff
from openpes.core.identifiers import uscc_check_digit
from openpes.employers import services as employers
from openpes.employers.models import Employer, EmployerAccount
from openpes.regions.models import Region
from openpes.taxonomy.models import Occupation

from .services import DEMO_PASSWORD, Login

# name, industry (GB/T 4754 division), size, key enterprise, verification ("verified", "rejected", "pending")
EMPLOYERS = [
    ("绥宁县宝鼎竹木制品有限公司", "20", "2", True, "verified"),
    ("湖南苗岭服饰制造有限公司", "18", "2", True, "verified"),
    ("绥宁县长铺电子科技有限公司", "39", "3", True, "verified"),
    ("绥宁县黄桑生态旅游开发有限公司", "61", "3", False, "verified"),
    ("绥宁县东山侗家餐饮管理有限公司", "62", "4", False, "verified"),
    ("绥宁县青钱柳茶业有限公司", "15", "4", False, "rejected"),
    ("绥宁县城区物业服务有限公司", "70", "4", False, "pending"),
]
VILLAGE_COLLECTIVE = ("绥宁县长铺子苗族侗族乡大园村股份经济合作社", "01", "4")
PORTAL_EMPLOYERS = [("绥宁县金屋塘农产品加工有限公司", True), ("绥宁县巫水劳务服务有限公司", False)]
# Occupations the surveys ask for, by their 大典 2022 names (codes are looked up, not typed).
WANTED = ["焊工", "缝纫工", "中式烹调师", "电子产品制版工", "木材干燥工", "客房服务员", "家具制作工"]


def credit_code(rng: random.Random, prefix: str = "91") -> str:
    first17 = f"{prefix}430527MA4L{rng.randrange(10**5):05d}"[:17]
    return first17 + uscc_check_digit(first17)


def build_employers(
    *, county: Staff, specialist: Staff, townships: list[Region], seed: int, today: dt.date
) -> None:
    rng = random.Random(seed)
    occupations = list(
        Occupation.objects.filter(name__in=WANTED, level=Occupation.Level.UNIT).values_list("code", flat=True)
    )
    for index, (name, industry, size, key, state) in enumerate(EMPLOYERS):
        township = townships[index % len(townships)]
        employer = employers.employer_create(
            actor=county,
            data=employers.EmployerInput(
                uscc=credit_code(rng),
                name=name,
                industry_code=industry,
                size=size,
                region_code=township.code,
                address=f"{township.name}工业园{index + 1}号",
                contact_name=rng.choice(["杨经理", "龙经理", "李主任", "蒋女士", "陈先生"]),
                contact_phone=f"1387390{rng.randrange(10**4):04d}",
            ),
        )
        if state != "pending":
            employers.employer_verify(
                actor=county,
                employer=employer,
                approve=state == "verified",
                reason="" if state == "verified" else "营业执照经营范围与填报不符，请补正",
            )
        if key:
            employers.employer_key_enterprise_set(
                actor=county, employer=employer, is_key_enterprise=True, specialist=specialist
            )
            if occupations:
                wanted = rng.sample(occupations, k=min(2, len(occupations)))
                employers.demand_survey_create(
                    actor=specialist,
                    employer=employer,
                    surveyed_on=today - dt.timedelta(days=rng.randrange(3, 40)),
                    note="春季用工需求摸底",
                    lines=[
                        employers.DemandLineInput(
                            occupation_code=code,
                            headcount=rng.randrange(3, 30),
                            wanted_by=today + dt.timedelta(days=rng.randrange(10, 60)),
                        )
                        for code in wanted
                    ],
                )
    name, industry, size = VILLAGE_COLLECTIVE
    collective = employers.employer_create(
        actor=county,
        data=employers.EmployerInput(
            uscc=credit_code(rng, prefix="N2"),
            name=name,
            industry_code=industry,
            size=size,
            region_code=townships[0].code,
        ),
    )
    employers.employer_verify(actor=county, employer=collective, approve=True)
    for name, verified in PORTAL_EMPLOYERS:
        account = employers.employer_sign_up(
            data=employers.SignUp(
                uscc=credit_code(rng),
                name=name,
                contact_phone=f"1397390{rng.randrange(10**4):04d}",
                password=DEMO_PASSWORD,
            )
        )
        if verified:
            employers.employer_verify(actor=county, employer=account.employer, approve=True)


def employer_logins() -> list[Login]:
    """The demo's portal accounts: the credit code is the login name."""
    rows = []
    for account in EmployerAccount.objects.select_related("employer").order_by("pk")[:2]:
        employer: Employer = account.employer
        rows.append(
            Login(
                f"单位账号（{employer.get_verification_display()}）",
                "单位",
                employer.name,
                account.login_name,
            )
        )
    return rows
