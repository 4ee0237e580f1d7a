"""How offices write each coded value of the survey, one table per column.

Each table maps a written form (compared after NFKC, without white space, lower case) to our code. To accept
a new way of writing a value, add it to the table; nothing else changes. `shown` is what an error message
lists as accepted and what the template offers in its drop-down list: the canonical words, one per code (a
few more where the word also says something the code alone does not, such as 灵活就业 in 就业状态).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from openpes.employment.choices import EmploymentForm, LabourStatus, UnemploymentReason
from openpes.people.models import Education, Ethnicity, Relation, Sex

T = TypeVar("T")
_BRACKETED = re.compile(r"(?P<outer>[^()]+)\((?P<inner>[^()]+)\)")


def vocabulary_key(text: str) -> str:
    """The form a written value is compared in: full-width folded, no white space, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


@dataclass(frozen=True)
class Vocabulary(Generic[T]):
    column: str  # the column's canonical header, named in messages
    words: Mapping[str, T]
    shown: tuple[str, ...]
    # Endings that add nothing to the value (初中毕业, 初中文化): tried off when the whole word is unknown.
    ignorable_endings: tuple[str, ...] = ()
    accepted: str = ""  # what an error message says is accepted, when `shown` is too long to list
    index: dict[str, T] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {vocabulary_key(word): value for word, value in self.words.items()}
        object.__setattr__(self, "index", index)

    def lookup(self, text: str) -> T | None:
        key = vocabulary_key(text)
        found = self.index.get(key)
        if found is not None:
            return found
        bracketed = _BRACKETED.fullmatch(key)
        if bracketed:
            # 已就业（灵活就业）: the word in brackets is the more precise one.
            return self.index.get(bracketed["inner"]) or self.index.get(bracketed["outer"])
        for ending in self.ignorable_endings:
            if key.endswith(ending) and len(key) > len(ending):
                found = self.index.get(key[: -len(ending)])
                if found is not None:
                    return found
        return None

    def unknown_message(self, text: str) -> str:
        return f"“{text}”无法识别，可填写：{self.accepted or '、'.join(self.shown)}"


# 就业状态: some words also say the form of employment (灵活就业 is employed, flexibly).
EMPLOYED = (LabourStatus.EMPLOYED, None)
LABOUR_STATUS: Vocabulary[tuple[LabourStatus, EmploymentForm | None]] = Vocabulary(
    column="就业状态",
    words={
        **dict.fromkeys(
            (
                "已就业",
                "就业",
                "在业",
                "在岗",
                "在职",
                "务工",
                "外出务工",
                "本地务工",
                "县内务工",
                "县外务工",
                "省内务工",
                "省外务工",
                "打工",
                "外出打工",
                "上班",
                "有工作",
                "就业人员",
            ),
            EMPLOYED,
        ),
        **dict.fromkeys(("单位就业", "企业就业", "受雇"), (LabourStatus.EMPLOYED, EmploymentForm.UNIT)),
        **dict.fromkeys(
            ("灵活就业", "灵活就业人员", "打零工", "零工", "临时工", "自由职业"),
            (LabourStatus.EMPLOYED, EmploymentForm.FLEXIBLE),
        ),
        **dict.fromkeys(
            ("自主创业", "创业", "个体", "个体户", "个体经营", "个体工商户", "自营", "经商"),
            (LabourStatus.EMPLOYED, EmploymentForm.SELF_EMPLOYED),
        ),
        **dict.fromkeys(
            ("务农", "在家务农", "农业", "种地", "种田", "种养殖", "农业生产"),
            (LabourStatus.EMPLOYED, EmploymentForm.FARMING),
        ),
        **dict.fromkeys(
            ("公益性岗位", "公益岗", "公益岗位", "公益性岗位就业"),
            (LabourStatus.EMPLOYED, EmploymentForm.PUBLIC_WELFARE),
        ),
        **dict.fromkeys(
            ("失业", "未就业", "待业", "无业", "失业人员", "失业状态", "未就业人员", "待业人员", "无工作"),
            (LabourStatus.UNEMPLOYED, None),
        ),
        **dict.fromkeys(
            ("在校学生", "在校生", "学生", "在读", "在校", "上学", "读书", "在校就读"),
            (LabourStatus.STUDENT, None),
        ),
        **dict.fromkeys(("退休", "已退休", "离退休", "退休人员", "离休"), (LabourStatus.RETIRED, None)),
        **dict.fromkeys(
            ("服兵役", "参军", "入伍", "现役军人", "现役", "当兵", "在部队服役"),
            (LabourStatus.ENLISTED, None),
        ),
        **dict.fromkeys(
            ("丧失劳动能力", "无劳动能力", "完全丧失劳动能力", "丧失劳动力", "无劳动力"),
            (LabourStatus.UNABLE, None),
        ),
        **dict.fromkeys(
            (
                "无就业意愿",
                "无就业愿望",
                "不愿就业",
                "不想就业",
                "料理家务",
                "家务",
                "操持家务",
                "照顾家庭",
                "照顾家人",
                "带小孩",
                "照顾小孩",
            ),
            (LabourStatus.NOT_SEEKING, None),
        ),
    },
    shown=(
        "已就业",
        "单位就业",
        "灵活就业",
        "自主创业",
        "务农",
        "公益性岗位",
        "失业",
        "在校学生",
        "退休",
        "服兵役",
        "丧失劳动能力",
        "无就业意愿",
    ),
    ignorable_endings=("人员",),
)

EMPLOYMENT_FORM: Vocabulary[EmploymentForm] = Vocabulary(
    column="就业形式",
    words={
        **dict.fromkeys(
            ("单位就业", "单位", "企业", "企业就业", "机关事业单位", "受雇", "受雇就业", "签订劳动合同"),
            EmploymentForm.UNIT,
        ),
        **dict.fromkeys(
            ("灵活就业", "灵活", "打零工", "零工", "临时工", "灵活用工", "自由职业"), EmploymentForm.FLEXIBLE
        ),
        **dict.fromkeys(
            ("自主创业", "创业", "个体", "个体户", "个体经营", "个体工商户", "自营", "自谋职业", "经商"),
            EmploymentForm.SELF_EMPLOYED,
        ),
        **dict.fromkeys(
            ("务农", "在家务农", "农业", "种地", "种田", "种植", "养殖", "种养殖", "农业生产"),
            EmploymentForm.FARMING,
        ),
        **dict.fromkeys(
            ("公益性岗位", "公益岗", "公益岗位", "公益性岗位安置"), EmploymentForm.PUBLIC_WELFARE
        ),
    },
    shown=tuple(EmploymentForm.labels),
)

UNEMPLOYMENT_REASON: Vocabulary[UnemploymentReason] = Vocabulary(
    column="失业原因",
    words={
        **dict.fromkeys(
            ("毕业后未就业", "毕业未就业", "毕业", "应届毕业生", "高校毕业生未就业", "毕业生"),
            UnemploymentReason.GRADUATED,
        ),
        **dict.fromkeys(
            (
                "单位解除或终止劳动合同",
                "单位解除劳动合同",
                "解除劳动合同",
                "终止劳动合同",
                "被辞退",
                "辞退",
                "裁员",
                "单位裁员",
                "企业裁员",
                "企业倒闭",
                "单位倒闭",
                "工厂倒闭",
                "下岗",
                "被解雇",
            ),
            UnemploymentReason.DISMISSED,
        ),
        **dict.fromkeys(
            ("劳动合同期满", "合同期满", "合同到期", "劳动合同到期"), UnemploymentReason.CONTRACT_ENDED
        ),
        **dict.fromkeys(
            ("个人原因辞职", "辞职", "主动辞职", "个人辞职", "自愿离职", "离职", "个人原因"),
            UnemploymentReason.RESIGNED,
        ),
        **dict.fromkeys(
            ("个体经营停业", "个体停业", "停业", "歇业", "生意失败", "经营失败", "关店"),
            UnemploymentReason.BUSINESS_CLOSED,
        ),
        **dict.fromkeys(
            ("承包土地被征用", "土地被征用", "土地征用", "征地", "失地", "失地农民"),
            UnemploymentReason.LAND_REQUISITIONED,
        ),
        **dict.fromkeys(
            ("退役后未就业", "退役未就业", "退役", "退伍", "退伍军人", "退役军人"),
            UnemploymentReason.DISCHARGED,
        ),
        **dict.fromkeys(("返乡后未就业", "返乡未就业", "返乡", "返乡人员"), UnemploymentReason.RETURNED),
        **dict.fromkeys(("其他", "其它"), UnemploymentReason.OTHER),
    },
    shown=tuple(UnemploymentReason.labels),
)

EDUCATION: Vocabulary[Education] = Vocabulary(
    column="文化程度",
    words={
        **dict.fromkeys(
            (
                "小学及以下",
                "小学",
                "文盲",
                "半文盲",
                "文盲或半文盲",
                "文盲半文盲",
                "不识字",
                "未上学",
                "学前",
                "小学以下",
            ),
            Education.PRIMARY_OR_LESS,
        ),
        **dict.fromkeys(("初中", "初级中学", "九年义务教育"), Education.JUNIOR_SECONDARY),
        **dict.fromkeys(("高中", "普通高中", "高级中学"), Education.SENIOR_SECONDARY),
        **dict.fromkeys(
            (
                "中专/中技/职高",
                "中专",
                "中技",
                "职高",
                "技校",
                "中职",
                "职中",
                "中等专科",
                "中等职业教育",
                "中专或中技",
                "技工学校",
            ),
            Education.VOCATIONAL_SECONDARY,
        ),
        **dict.fromkeys(
            ("大学专科", "大专", "专科", "高职", "高职高专", "大学专科教育"), Education.JUNIOR_COLLEGE
        ),
        **dict.fromkeys(("大学本科", "本科", "大学", "学士", "本科及以上"), Education.BACHELOR),
        **dict.fromkeys(
            ("研究生", "硕士", "博士", "硕士研究生", "博士研究生", "研究生及以上", "硕士及以上"),
            Education.POSTGRADUATE,
        ),
    },
    shown=("小学及以下", "初中", "高中", "中专", "职高", "技校", "大专", "本科", "研究生"),
    ignorable_endings=("毕业", "文化", "学历", "程度"),
)


def _ethnicity_words() -> dict[str, Ethnicity]:
    """汉族, 汉 and the GB/T 3304 code (01, or 1 when a spreadsheet dropped the zero) of every group."""
    words: dict[str, Ethnicity] = {}
    for member in Ethnicity:
        name = str(member.label)
        words[name] = member
        words[member.value] = member
        words[member.value.lstrip("0")] = member
        if name.endswith("族") and len(name) > 1:
            words[name[:-1]] = member
    words["其它"] = Ethnicity.OTHER
    words["穿青人"] = Ethnicity.OTHER  # a recognised population still without a group of its own
    return words


ETHNICITY: Vocabulary[Ethnicity] = Vocabulary(
    column="民族",
    words=_ethnicity_words(),
    shown=tuple(str(label) for label in Ethnicity.labels),
    accepted="56个民族之一的名称（如汉族、苗族、侗族，可不写“族”）、其他、外国血统中国籍人士",
)

SEX: Vocabulary[Sex] = Vocabulary(
    column="性别",
    # 1 and 2 are the codes of GB/T 2261.1.
    words={
        "男": Sex.MALE,
        "男性": Sex.MALE,
        "1": Sex.MALE,
        "女": Sex.FEMALE,
        "女性": Sex.FEMALE,
        "2": Sex.FEMALE,
    },
    shown=tuple(str(label) for label in Sex.labels),
)

RELATION: Vocabulary[Relation] = Vocabulary(
    column="与户主关系",
    # Grouped as GB/T 4761 groups them: in-laws of the younger generation (儿媳, 女婿) with 子女, of the older
    # (公婆, 岳父母) with 父母; grandparents, nephews and the rest under 其他.
    words={
        **dict.fromkeys(("户主", "本人", "户主本人", "自己"), Relation.HEAD),
        **dict.fromkeys(
            ("配偶", "妻", "妻子", "夫", "丈夫", "爱人", "老婆", "老公", "夫妻", "之妻", "之夫"),
            Relation.SPOUSE,
        ),
        **dict.fromkeys(
            (
                "子女",
                "子",
                "女",
                "儿子",
                "女儿",
                "长子",
                "次子",
                "三子",
                "四子",
                "长女",
                "次女",
                "三女",
                "四女",
                "独子",
                "独女",
                "养子",
                "养女",
                "继子",
                "继女",
                "之子",
                "之女",
                "儿媳",
                "儿媳妇",
                "媳妇",
                "女婿",
            ),
            Relation.CHILD,
        ),
        **dict.fromkeys(
            (
                "父母",
                "父亲",
                "母亲",
                "父",
                "母",
                "之父",
                "之母",
                "爸爸",
                "妈妈",
                "公公",
                "婆婆",
                "岳父",
                "岳母",
                "继父",
                "继母",
            ),
            Relation.PARENT,
        ),
        **dict.fromkeys(
            (
                "孙子女",
                "孙子",
                "孙女",
                "外孙",
                "外孙子",
                "外孙女",
                "孙媳",
                "孙媳妇",
                "孙女婿",
                "曾孙",
                "曾孙女",
            ),
            Relation.GRANDCHILD,
        ),
        **dict.fromkeys(
            (
                "兄弟姐妹",
                "兄",
                "弟",
                "姐",
                "妹",
                "哥哥",
                "弟弟",
                "姐姐",
                "妹妹",
                "兄弟",
                "姐妹",
                "兄妹",
                "姐弟",
            ),
            Relation.SIBLING,
        ),
        **dict.fromkeys(
            (
                "其他",
                "其它",
                "祖父",
                "祖母",
                "爷爷",
                "奶奶",
                "外祖父",
                "外祖母",
                "外公",
                "外婆",
                "侄子",
                "侄女",
                "外甥",
                "外甥女",
                "儿媳之外的亲属",
                "亲属",
                "其他亲属",
                "非亲属",
            ),
            Relation.OTHER,
        ),
    },
    shown=tuple(str(label) for label in Relation.labels),
)

# 就业意愿 and 培训意愿: a yes or a no. Any other text is kept as the wish itself (see values.parse_wish).
WISH_YES = frozenset(
    vocabulary_key(word)
    for word in (
        "有",
        "是",
        "想",
        "要",
        "愿意",
        "需要",
        "希望",
        "有意愿",
        "有意向",
        "想就业",
        "想培训",
        "愿意培训",
        "需要培训",
        "想参加",
        "想参加培训",
        "1",
        "y",
        "yes",
        "√",
        "✓",
        "✔",
    )
)
WISH_NO = frozenset(
    vocabulary_key(word)
    for word in (
        "无",
        "否",
        "不",
        "没有",
        "没",
        "不想",
        "不要",
        "不愿意",
        "不需要",
        "无意愿",
        "无意向",
        "暂无",
        "暂不",
        "暂时不",
        "不想就业",
        "不想培训",
        "不参加",
        "0",
        "n",
        "no",
        "×",
        "✗",
        "✘",
    )
)
# A wish text with one of these is not read as a yes: 不想外出 may still want work nearby.
WISH_NEGATIONS = ("不", "无", "没", "否", "未", "暂")
WISH_SHOWN = ("有", "无")

# Cells that mean "nothing to say" in an optional column.
BLANK_MARKERS = frozenset(
    vocabulary_key(word)
    for word in ("/", "\\", "-", "--", "—", "——", "无", "空", "暂无", "null", "none", "n/a", "#n/a")
)
