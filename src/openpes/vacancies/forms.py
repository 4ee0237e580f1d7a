"""Forms of the vacancy pages (staff and portal). They only shape input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from openpes.accounts.models import Staff
from openpes.core.forms import StaffForm
from openpes.core.uploads import ImportMode
from openpes.people.models import Education
from openpes.regions.forms import region_choices
from openpes.regions.models import Region, RegionLevel
from openpes.taxonomy.models import Industry, Occupation
from openpes.vacancies import search
from openpes.vacancies.choices import Channel, VacancyStatus, WorkType
from openpes.vacancies.models import Vacancy
from openpes.vacancies.selectors import VacancyFilters
from openpes.vacancies.services import CORRECTABLE, VacancyInput
from openpes.vacancies.services.validation import RAW_FIELDS

FLAGGED_CHOICES = [("", "全部"), ("yes", "有筛查提示"), ("no", "无筛查提示")]


class VacancyFilterForm(StaffForm):
    shown: QueryDict | None = None

    q = forms.CharField(
        label="查找",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "职位名称或单位名称"}),
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *VacancyStatus.choices])
    region = forms.ChoiceField(label="地区", required=False)
    channel = forms.ChoiceField(label="来源", required=False, choices=[("", "全部"), *Channel.choices])
    flagged = forms.ChoiceField(label="筛查", required=False, choices=FLAGGED_CHOICES)

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("region", region_choices(actor, depth=2, include_self=False, blank="全部"))

    def filters(self) -> VacancyFilters:
        """The filters asked for; a field in error is left out."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
            query = QueryDict(mutable=True)
            for name in self.fields:
                value = data.get(name)
                if value:
                    query[name] = str(value)
            self.shown = query
        return VacancyFilters(
            q=data.get("q", ""),
            status=data.get("status", ""),
            region=data.get("region", ""),
            channel=data.get("channel", ""),
            flagged={"yes": True, "no": False}.get(data.get("flagged", "")),
        )


class VacancyForm(StaffForm):
    """The raw fields, as an employer or a clerk writes them; the staff form also names the employer."""

    employer = forms.TypedChoiceField(label="用人单位", coerce=int)
    title = forms.CharField(label="职位名称", max_length=100)
    pay_text = forms.CharField(
        label="薪资待遇", max_length=100, required=False, help_text="照单位原话填写，如“4500-6000元/月”“面议”"
    )
    place_text = forms.CharField(label="工作地点", max_length=200, required=False)
    education_text = forms.CharField(label="学历要求", max_length=50, required=False)
    experience_text = forms.CharField(label="经验要求", max_length=50, required=False)
    headcount = forms.IntegerField(label="招聘人数", required=False, min_value=1)
    industry_text = forms.CharField(label="行业", max_length=100, required=False)
    contact_text = forms.CharField(label="联系方式", max_length=200, required=False)
    valid_until = forms.DateField(
        label="有效期至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填为60天；到期后自动下架",
    )
    description = forms.CharField(
        label="职位描述", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(
        self,
        *args: Any,
        vacancy: Vacancy | None = None,
        employers: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        if vacancy is not None:
            kwargs.setdefault("initial", {name: getattr(vacancy, name) for name in self.input_fields()})
        super().__init__(*args, **kwargs)
        if employers is None:
            del self.fields["employer"]
        else:
            self.set_choices("employer", [("", "请选择用人单位"), *employers])

    @staticmethod
    def input_fields() -> tuple[str, ...]:
        return (*RAW_FIELDS, "headcount", "valid_until")

    def to_input(self) -> VacancyInput:
        values = {name: self.cleaned_data.get(name) for name in self.input_fields()}
        return VacancyInput(
            **{
                name: value if value is not None else ""
                for name, value in values.items()
                if name in RAW_FIELDS
            },
            headcount=values["headcount"],
            valid_until=values["valid_until"],
        )


class ReviewForm(StaffForm):
    decision = forms.ChoiceField(
        label="审核结果", choices=[("approve", "通过并发布"), ("reject", "不通过")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="审核意见", max_length=200, required=False, help_text="不通过时必填，单位将看到"
    )


class CorrectionForm(StaffForm):
    field = forms.ChoiceField(
        label="更正项", choices=[(name, label) for name, (label, _) in CORRECTABLE.items()]
    )
    value = forms.CharField(
        label="更正为",
        max_length=100,
        required=False,
        help_text="职业填大典代码（如 4-03-02-01）；工作地点填12位区划代码；金额填整数元；面议填1或0",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)


class ClearanceForm(StaffForm):
    """核实排除 one blocking screening flag: which (its reference in the current screening) and why. The
    service checks both, so that a stale page or a short reason gets its own message."""

    flag = forms.CharField(label="要核实排除的提示", max_length=200, required=False, widget=forms.Select)
    reason = forms.CharField(
        label="核实排除理由",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="至少10个字：写明岗位的实际情况和所依据的法规。理由留档，单位也会看到（不显示您的姓名）",
    )

    def __init__(self, *args: Any, flags: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["flag"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = flags or []


class ReasonForm(StaffForm):
    reason = forms.CharField(label="原因", max_length=200, required=False)


class MergeForm(StaffForm):
    """Merge the vacancy shown with another of the same employer: which one stays."""

    other = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    keep = forms.ChoiceField(
        label="保留",
        choices=[("this", "保留本岗位，撤回另一个"), ("other", "保留另一个，撤回本岗位")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label="合并说明", max_length=150, required=False)


class DismissForm(StaffForm):
    note = forms.CharField(label="说明", max_length=200, required=False)


POSTED_WITHIN_CHOICES = [("", "不限"), ("1", "一天内"), ("3", "三天内"), ("7", "一周内"), ("30", "一个月内")]


class JobSearchForm(forms.Form):
    """The job search of the public pages: every field optional, wrong values simply ignored."""

    q = forms.CharField(
        label="职位、单位或关键词",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：司机、保洁、普工"}),
    )
    region = forms.ChoiceField(label="工作地点", required=False)
    occupation = forms.ChoiceField(label="职业类别", required=False)
    industry = forms.ChoiceField(label="行业", required=False)
    pay_min = forms.IntegerField(label="月薪不低于（元）", required=False, min_value=0, max_value=1_000_000)
    pay_max = forms.IntegerField(label="月薪不高于（元）", required=False, min_value=0, max_value=1_000_000)
    education_max = forms.ChoiceField(
        label="我的学历", required=False, choices=[("", "不限"), *Education.choices]
    )
    work_type = forms.ChoiceField(label="工作类型", required=False, choices=[("", "不限"), *WorkType.choices])
    posted_within_days = forms.TypedChoiceField(
        label="发布时间", required=False, choices=POSTED_WITHIN_CHOICES, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=search.Sort.CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("region", public_regions()),
            ("occupation", occupation_groups()),
            ("industry", industry_sections()),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "不限"), *choices]
        # Bootstrap's classes make every control as wide as its column: without them a select is as wide as
        # its longest option (an occupation group's name) and the page scrolled sideways on a phone.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def query(self, page: int = 1, page_size: int = 20) -> search.SearchQuery:
        # A field with a wrong value is left out of cleaned_data, so it simply does not filter.
        data: dict[str, Any] = self.cleaned_data if self.is_bound and (self.is_valid() or True) else {}
        return search.SearchQuery(
            q=data.get("q") or "",
            region=data.get("region") or "",
            occupation=data.get("occupation") or "",
            industry=data.get("industry") or "",
            pay_min=data.get("pay_min"),
            pay_max=data.get("pay_max"),
            education_max=data.get("education_max") or "",
            work_type=data.get("work_type") or "",
            posted_within_days=data.get("posted_within_days"),
            sort=data.get("sort") or search.Sort.RELEVANCE,
            page=page,
            page_size=page_size,
        )


def public_regions() -> list[tuple[str, str]]:
    """The installation's counties and their townships (the places a job seeker looks for work)."""
    regions = Region.objects.filter(level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP)).order_by("code")
    return [
        (region.code, region.name if region.level == RegionLevel.COUNTY else f"　{region.name}")
        for region in regions.only("code", "name", "level")[:500]
    ]


def occupation_groups() -> list[tuple[str, str]]:
    """The 大典's sub-major groups (中类), coded "4-03": a job seeker's categories."""
    groups = Occupation.objects.filter(level=Occupation.Level.SUB_MAJOR, replaced_by="").order_by("code")
    return [(group.code, group.name) for group in groups.only("code", "name")]


def industry_sections() -> list[tuple[str, str]]:
    sections = Industry.objects.filter(level=Industry.Level.SECTION).order_by("code")
    return [(section.code, section.name) for section in sections.only("code", "name")]


class VacancyFileForm(StaffForm):
    file = forms.FileField(
        label="岗位文件",
        help_text="Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK 编码），最多 5 MB、500 个岗位；请用下载的模板，或表头含岗位名称、单位名称（或统一社会信用代码）的本地表格。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    mode = forms.ChoiceField(
        label="导入方式", choices=ImportMode.choices, initial=ImportMode.VALID, widget=forms.RadioSelect
    )


class VacancyFileRunForm(StaffForm):
    mode = forms.ChoiceField(label="导入方式", choices=ImportMode.choices, widget=forms.RadioSelect)
