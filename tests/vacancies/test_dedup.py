"""The pure duplicate finder (openpes.vacancies.dedup) on crafted near-duplicates and on crafted
look-alikes that are different vacancies; postings after ../shared/data/jobs/, altered by hand."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpes.vacancies import dedup
from openpes.vacancies.dedup import PROBABLE_SIMILARITY, Posting, Verdict, decide

COUNTY = "430527000000"  # 绥宁县
CHANGPU = "430527100000"  # 长铺镇, in it
LIANGTANG = "430527101000"  # another township of it
XINNING = "430528000000"  # 新宁县, the next county

COOK = Posting(
    employer=1,
    title="中餐厨师",
    description="岗位职责：1、负责湘菜的烹饪制作，保证菜品质量；2、做好厨房卫生和食品安全工作；"
    "3、服从厨师长安排。任职要求：有两年以上湘菜馆工作经验，能吃苦耐劳。包吃住，月休四天。",
    occupation_code="4-03-02-01",
    place_code=CHANGPU,
    pay_min=4500,
    pay_max=6000,
    work_type="full_time",
)
DRIVER = Posting(
    employer=1,
    title="货车司机",
    description="持B2及以上驾照，三年以上驾龄，熟悉湘西南路线；负责公司货物的省内运输，按时送达，爱护车辆。"
    "工资按趟计算，多劳多得，购买五险。",
    occupation_code="4-02-02-01",
    place_code=COUNTY,
    pay_min=6000,
    pay_max=9000,
    work_type="full_time",
)
SALES = Posting(
    employer=2,
    title="销售代表",
    description="岗位职责1、负责公司产品的销售及推广；2、根据市场营销计划，完成部门销售指标；"
    "3、开拓新市场,发展新客户,增加产品销售范围。任职资格1、大专及以上学历，男女不限，有无经验均可；"
    "2、热爱销售，能吃苦耐劳，对人真诚，踏实肯干；3、有团队协作精神，能适应团队生活，愿意从基层做起。",
    occupation_code="4-01-02-01",
    place_code=CHANGPU,
    pay_min=4000,
    pay_max=8000,
)
SERVICE = Posting(
    employer=3,
    title="客服专员",
    description="1.负责通过在线咨询或者电话等方式解答客户相关业务问题；2.后台操作及维护；3.用户报表制作或账单出具等；"
    "4.客户维护，负责客户增值服务；5.完成上级分配的相应工作；6.普通话标准；7.办公软件操作熟练；"
    "8.细心、耐心、有责任心、有团队合作精神。",
    occupation_code="4-07-02-03",
    place_code=COUNTY,
    pay_min=4500,
    pay_max=6000,
)
CLEANER = Posting(
    employer=4,
    title="保洁员",
    description="负责商场公共区域的日常清洁，包括地面、卫生间、电梯间的清扫和保洁；"
    "按规定分类处理垃圾；年龄60岁以下，身体健康，做事认真。上六休一，提供工作餐。",
    occupation_code="4-09-08-01",
    place_code=CHANGPU,
    pay_min=2200,
    pay_max=2500,
)
WELDER = Posting(
    employer=5,
    title="电焊工",
    description="持有效焊工证，熟练掌握二氧化碳保护焊、氩弧焊，能看懂图纸；"
    "负责钢结构件的焊接，保证焊缝质量。两班倒，加班另计，厂内有宿舍。",
    occupation_code="6-18-02-04",
    place_code=LIANGTANG,
    pay_min=7000,
    pay_max=10000,
)
ANALYST = Posting(
    employer=6,
    title="数据分析师",
    description="1.负责消费信贷风控、营销、客户管理等业务领域的数据分析工作。2.根据业务和建模需要，完成数据提取／清洗／加工/评估。"
    "3.撰写数据质量分析报告／业务数据分析报告。任职要求1.统计、数学、计算机等方向本科及以上学历。"
    "2.熟练掌握SQL语言，会用Python或SAS。",
    occupation_code="2-02-10-10",
    place_code=COUNTY,
    pay_min=10000,
    pay_max=18000,
)
WAREHOUSE = Posting(
    employer=7,
    title="仓库管理员",
    description="负责仓库货物的收发、盘点和出入库登记，熟练使用Excel和进销存系统；做好仓库的防火防盗和整洁。"
    "高中以上学历，有叉车证者优先。早八晚六，周日休息。",
    occupation_code="4-02-06-01",
    place_code=CHANGPU,
    pay_min=3500,
    pay_max=4500,
)


def changed(posting: Posting, **fields: object) -> Posting:
    return dataclasses.replace(posting, **fields)  # type: ignore[arg-type]


def reworded(posting: Posting, old: str, new: str) -> Posting:
    assert old in posting.description, old
    return changed(posting, description=posting.description.replace(old, new))


TRADITIONAL_COOK = (
    "崗位職責：1、負責湘菜的烹飪製作，保證菜品質量；2、做好廚房衛生和食品安全工作；"
    "3、服從廚師長安排。任職要求：有兩年以上湘菜館工作經驗，能吃苦耐勞。包吃住，月休四天。"
)

# (name, new posting, existing posting, certain): the same vacancy.
DUPLICATES: list[tuple[str, Posting, Posting, bool]] = [
    (
        "full-width punctuation turned half-width",
        changed(COOK, description=COOK.description.replace("，", ",").replace("；", ";").replace("：", ":")),
        COOK,
        True,
    ),
    (
        "sentences in another order",
        changed(
            DRIVER,
            description="工资按趟计算，多劳多得，购买五险。负责公司货物的省内运输，按时送达，爱护车辆；"
            "持B2及以上驾照，三年以上驾龄，熟悉湘西南路线。",
        ),
        DRIVER,
        True,
    ),
    (
        "spaces and line breaks",
        changed(SALES, description=SALES.description.replace("；", "；\n  ").replace("。", "。\r\n\r\n")),
        SALES,
        True,
    ),
    (
        "another headcount in the text",
        reworded(CLEANER, "负责商场", "招聘5人，负责商场"),
        reworded(CLEANER, "负责商场", "招聘2人，负责商场"),
        True,
    ),
    ("traditional characters", changed(COOK, description=TRADITIONAL_COOK), COOK, True),
    (
        "full-width letters and digits, other case",
        changed(
            ANALYST, description=ANALYST.description.replace("SQL", "ｓｑｌ").replace("Python", "PYTHON")
        ),
        ANALYST,
        True,
    ),
    (
        "the list numbered another way",
        changed(
            SERVICE,
            description="（1）负责通过在线咨询或者电话等方式解答客户相关业务问题（2）后台操作及维护（3）用户报表制作或账单出具等"
            "（4）客户维护，负责客户增值服务（5）完成上级分配的相应工作（6）普通话标准（7）办公软件操作熟练"
            "（8）细心、耐心、有责任心、有团队合作精神",
        ),
        SERVICE,
        True,
    ),
    ("a synonym of the title", changed(DRIVER, title="货车驾驶员"), DRIVER, False),
    ("the title decorated", changed(WELDER, title="急招电焊工2名"), WELDER, True),
    (
        "the same occupation under another title",
        changed(COOK, title="湘菜厨师"),
        COOK,
        False,
    ),
    ("a sentence added", reworded(WAREHOUSE, "周日休息。", "周日休息。欢迎退伍军人。"), WAREHOUSE, False),
    (
        "a sentence dropped",
        reworded(ANALYST, "3.撰写数据质量分析报告／业务数据分析报告。", ""),
        ANALYST,
        False,
    ),
    ("a word corrected", reworded(WELDER, "能看懂图纸", "能看懂施工图纸"), WELDER, False),
    ("pay rounded within the tolerance", changed(CLEANER, pay_min=2200, pay_max=2600), CLEANER, False),
    ("the work place named only as the county", changed(COOK, place_code=COUNTY), COOK, False),
    ("the work place not resolved on one side", changed(SALES, place_code=""), SALES, False),
    ("pay not written on one side", changed(SERVICE, pay_min=None, pay_max=None), SERVICE, False),
    (
        "title and description with stray symbols",
        changed(
            WAREHOUSE,
            title="仓库管理员★",
            description="【" + WAREHOUSE.description.replace("，", " ， ") + "】☆☆",
        ),
        WAREHOUSE,
        True,
    ),
    ("headcount and validity are not compared at all", WELDER, WELDER, True),
    (
        "two sentences re-worded",
        reworded(reworded(SALES, "愿意从基层做起", "愿意从一线做起"), "有无经验均可", "经验不限"),
        SALES,
        False,
    ),
]

INTRO = (
    "绥宁县宝鼎食品有限公司成立于2008年，是一家集竹笋、腊制品加工和销售于一体的县级龙头企业，"
    "产品销往全国二十多个省市。公司为员工购买五险，提供免费宿舍和工作餐，每年组织体检和旅游。"
)

# (name, new posting, existing posting): two different vacancies.
DIFFERENT: list[tuple[str, Posting, Posting]] = [
    (
        "the same title, another dish",
        changed(
            COOK,
            description="负责早餐面点、包子馒头的制作，会做米粉者优先；凌晨五点上班，下午两点下班。工作餐免费，无住宿。",
        ),
        COOK,
    ),
    ("the same text, another pay band", changed(COOK, pay_min=8000, pay_max=10000), COOK),
    ("the same text, another county", changed(DRIVER, place_code=XINNING), DRIVER),
    ("the same text, another township", changed(WELDER, place_code=CHANGPU), WELDER),
    ("the same text, another employer", changed(SALES, employer=99), SALES),
    ("the same text, part-time against full-time", changed(COOK, work_type="part_time"), COOK),
    (
        "another job with the same boilerplate",
        Posting(
            employer=4,
            title="保安员",
            description="负责商场出入口的值守和巡逻，检查消防设施，处理突发情况；"
            "年龄55岁以下，身体健康，做事认真，有保安证优先。上六休一，提供工作餐。",
            occupation_code="3-02-03-01",
            place_code=CHANGPU,
            pay_min=2200,
            pay_max=2500,
        ),
        CLEANER,
    ),
    (
        "a forklift driver at the lorry driver's employer",
        Posting(
            employer=1,
            title="叉车司机",
            description="持叉车证，负责仓库内货物的装卸和搬运，服从仓库主管安排；早八晚五，包午餐。",
            occupation_code="6-30-05-03",
            place_code=COUNTY,
            pay_min=5000,
            pay_max=6000,
        ),
        DRIVER,
    ),
    ("a description on one side only", changed(WAREHOUSE, description=""), WAREHOUSE),
    (
        "junior and senior analysts",
        changed(
            ANALYST,
            title="高级数据分析师",
            description="1.带领分析团队，制定风控模型的策略和指标体系。2.对接总行数据平台，推动数据治理。"
            "任职要求1.硕士以上学历，五年以上金融数据分析经验。2.有团队管理经验。",
            pay_min=25000,
            pay_max=35000,
        ),
        ANALYST,
    ),
    (
        "sales with another base pay",
        changed(SALES, pay_min=6000, pay_max=12000),
        SALES,
    ),
    (
        "the same title, another product line",
        changed(
            SALES,
            description="负责农资化肥在湘西南各县的渠道开发和经销商维护，定期走访农户，收集市场反馈；"
            "需有驾照，能适应出差，有农资销售经验者优先。",
        ),
        SALES,
    ),
    (
        "customer service by phone against in the shop",
        changed(
            SERVICE,
            description="在营业厅接待来办理业务的客户，解答套餐咨询，办理开户、过户和缴费；"
            "形象好，会讲本地话，能适应轮班。",
        ),
        SERVICE,
    ),
    (
        "welding pipes on site against steel parts in the plant",
        changed(
            WELDER,
            description="跟随项目部到工地焊接燃气管道，须持特种作业操作证；长期出差，包吃住，按天计薪。",
        ),
        WELDER,
    ),
    (
        "a cleaner for the hotel rooms",
        changed(
            CLEANER,
            title="客房保洁",
            description="负责酒店客房的整理和布草更换，补充客用品，发现客人遗留物品及时上报；按间计件。",
            occupation_code="",
        ),
        CLEANER,
    ),
    (
        "different titles, no occupation to tie them",
        changed(WAREHOUSE, title="统计员", occupation_code=""),
        changed(WAREHOUSE, occupation_code=""),
    ),
    (
        "the company's introduction and benefits shared, other duties",
        Posting(
            employer=8,
            title="普工",
            description=INTRO + "岗位职责：负责竹笋的分拣、清洗和装袋，按计件计薪。",
            occupation_code="6-02-04-01",
            place_code=CHANGPU,
        ),
        Posting(
            employer=8,
            title="操作工",
            description=INTRO + "岗位职责：操作腊肉烟熏设备，记录温度和时间，做好设备的日常保养。",
            occupation_code="6-02-04-01",
            place_code=CHANGPU,
        ),
    ),
    (
        "a cashier against the warehouse keeper with shared hours",
        Posting(
            employer=7,
            title="收银员",
            description="负责超市前台收银和会员卡办理，熟练使用收银系统；做好收银台的整洁。"
            "高中以上学历，有超市工作经验者优先。早八晚六，周日休息。",
            occupation_code="4-01-03-02",
            place_code=CHANGPU,
            pay_min=3500,
            pay_max=4500,
        ),
        WAREHOUSE,
    ),
]


@pytest.mark.parametrize(("name", "new", "old", "certain"), DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_near_duplicates_are_found(name: str, new: Posting, old: Posting, certain: bool) -> None:
    decision = decide(new, old)
    assert decision.verdict == Verdict.DUPLICATE, decision.text
    assert decision.certain is certain, decision.text
    assert decision.score >= PROBABLE_SIMILARITY
    assert decision.text.startswith("同一单位、")
    # The order of the two does not matter.
    assert decide(old, new).verdict == Verdict.DUPLICATE


@pytest.mark.parametrize(("name", "new", "old"), DIFFERENT, ids=[d[0] for d in DIFFERENT])
def test_look_alikes_are_different_vacancies(name: str, new: Posting, old: Posting) -> None:
    decision = decide(new, old)
    assert decision.verdict == Verdict.DIFFERENT, decision.text
    assert not decision.certain
    assert decide(old, new).verdict == Verdict.DIFFERENT


def test_there_are_enough_crafted_pairs_each_way() -> None:
    assert len(DUPLICATES) >= 15 and len(DIFFERENT) >= 15


def test_the_reasons_say_why_in_chinese() -> None:
    same = decide(changed(COOK, description=COOK.description + " "), COOK)
    assert (
        same.text
        == "同一单位、职位名称相同、描述相似度 1.00、文字相同（仅标点、空格、语序、全半角或人数、有效期不同）"
    )
    assert (
        "职位名称为同义词（货车驾驶员／货车司机）" in decide(changed(DRIVER, title="货车驾驶员"), DRIVER).text
    )
    assert "职业相同（4-03-02-01）" in decide(changed(COOK, title="湘菜厨师"), COOK).text
    assert (
        decide(changed(COOK, place_code=XINNING), COOK).reasons[-1]
        == "工作地点不同（430528000000／430527100000）"
    )
    assert (
        decide(changed(COOK, pay_min=8000, pay_max=10000), COOK).reasons[-1]
        == "薪资不同（8000–10000元／4500–6000元）"
    )
    assert decide(changed(COOK, employer=2), COOK).text == "不是同一单位"
    low = decide(DIFFERENT[0][1], COOK)
    assert low.reasons[-1].startswith("描述相似度 0.") and low.reasons[-1].endswith("（低于 0.80）")


def test_a_match_with_a_closed_vacancy_is_a_repost() -> None:
    assert decide(changed(COOK, pay_max=6200), COOK, old_closed=True).verdict == Verdict.REPOST
    assert decide(changed(COOK, pay_max=9000), COOK, old_closed=True).verdict == Verdict.DIFFERENT


def test_postings_without_descriptions_compare_by_title_pay_and_place() -> None:
    bare = Posting(employer=1, title="普工", pay_min=4000, pay_max=5000, place_code=CHANGPU)
    decision = decide(changed(bare, title="操作工"), bare)
    assert decision.verdict == Verdict.DUPLICATE and "均无职位描述" in decision.text
    assert decide(changed(bare, place_code=LIANGTANG), bare).verdict == Verdict.DIFFERENT


def test_best_match_puts_the_certain_first() -> None:
    olds = [(changed(COOK, pay_max=6200), False), (COOK, False), (DRIVER, False), (COOK, True)]
    matches = dedup.best_match(COOK, olds)
    assert [index for index, _ in matches] == [1, 3, 0]
    assert matches[1][1].verdict == Verdict.REPOST


def test_folding_for_comparison() -> None:
    assert dedup.sentences("1、负责收银；2.整理货架（3）招聘3人 ④ 早班") == ("负责收银", "整理货架", "早班")
    assert dedup.sentences("月薪1.5万，18-35岁") == ("月薪15万", "1835岁")
    assert dedup.title_key("急招货车驾驶员2名") == dedup.title_key("货车司机") == "货车司机"
    assert dedup.title_key("叉车司机") == "叉车司机"  # its own group, not 叉车 + 司机
    assert dedup.place_conflict(COUNTY, CHANGPU) is False
    assert dedup.place_conflict(CHANGPU, LIANGTANG) is True
    assert dedup.place_conflict("430500000000", XINNING) is False  # the city holds both counties
    assert dedup.place_conflict("", XINNING) is False


def test_the_module_loads_without_django() -> None:
    code = "import sys, openpes.vacancies.dedup as d; d.title_key('司机'); print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "False"


# --- properties -------------------------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "负责",
        "湘菜",
        "烹饪",
        "包吃住",
        "，",
        "。",
        "；",
        "1、",
        "（2）",
        " ",
        "\n",
        "Ｅｘｃｅｌ",
        "招聘3人",
        "廚師",
        "月休",
        "4",
    ]
)
TEXTS = st.lists(WORDS, max_size=20).map("".join) | st.text(max_size=40)
# The machine is shared: generation may be slow under load without the test being wrong.
RELAXED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@RELAXED
@given(TEXTS, TEXTS)
def test_similarity_is_symmetric_and_between_0_and_1(a: str, b: str) -> None:
    assert dedup.similarity(a, b) == dedup.similarity(b, a)
    assert 0.0 <= dedup.similarity(a, b) <= 1.0


@RELAXED
@given(TEXTS)
def test_a_text_is_identical_to_itself(a: str) -> None:
    assert dedup.similarity(a, a) == 1.0
    posting = changed(COOK, description=a)
    assert decide(posting, posting).verdict == Verdict.DUPLICATE


@given(
    st.lists(
        st.sampled_from(["负责湘菜烹饪", "包吃住", "月休四天", "服从安排", "有健康证"]),
        min_size=1,
        max_size=5,
    )
)
def test_the_order_of_sentences_does_not_count(parts: list[str]) -> None:
    assert dedup.similarity("。".join(parts), "；".join(reversed(parts))) == 1.0
