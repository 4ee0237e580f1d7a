"""Forms of the employment pages. They only shape input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from openpes.accounts.models import Staff
from openpes.core.forms import StaffForm
from openpes.core.uploads import ImportMode
from openpes.employment import rules
from openpes.employment.choices import Basis, EmploymentForm, UnemploymentReason
from openpes.employment.models import (
    ContactChannel,
    EmploymentProfile,
    EventKind,
    KeyGroup,
    RegistrationKind,
    RetirementCategory,
    Tier,
)
from openpes.employment.services import FACT_FIELDS, STATUS_CHANGES
from openpes.regions.forms import region_choices, set_village_field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


def _pick(label: str, choices: Any, *, blank: str | None = None, required: bool = True) -> forms.ChoiceField:
    options = list(choices)
    if blank is not None:
        options = [("", blank), *options]
    return forms.ChoiceField(label=label, choices=options, required=required)


ON_HELP = "不填为今天"


class UnemploymentForm(StaffForm):
    basis = _pick("登记地", Basis.choices, blank="请选择")
    reason = _pick("失业原因", UnemploymentReason.choices, blank="请选择")
    unemployed_since = _date("失业时间", help_text="不填为登记日期")
    on = _date("登记日期", help_text=ON_HELP)


class EmploymentRegistrationForm(StaffForm):
    basis = _pick("登记地", Basis.choices, blank="请选择")
    form = _pick("就业形式", EmploymentForm.choices, blank="请选择")
    employer_name = forms.CharField(
        label="就业单位", required=False, max_length=100, help_text="单位就业必填"
    )
    by_declaration = forms.BooleanField(
        label="承诺制登记（灵活就业、自主创业凭本人承诺登记，事后核查）", required=False
    )
    on = _date("登记日期", help_text=ON_HELP)


class StatusChangeForm(StaffForm):
    kind = _pick("变更事项", [(k, EventKind(k).label) for k in STATUS_CHANGES], blank="请选择")
    on = _date("日期", help_text=ON_HELP)
    note = forms.CharField(label="说明", required=False, max_length=200)


class CancelForm(StaffForm):
    reason = forms.CharField(label="注销原因", max_length=200)


class OverturnForm(StaffForm):
    finding = forms.CharField(label="核查情况", max_length=200)


class ContactForm(StaffForm):
    channel = _pick("联系方式", ContactChannel.choices, blank="请选择")
    on = _date("联系日期", help_text=ON_HELP)
    note = forms.CharField(label="联系情况", required=False, max_length=200)


class FactsForm(StaffForm):
    """The facts the key-group rules read; the groups themselves are never set here."""

    retirement_category = _pick(
        "退休年龄类别", RetirementCategory.choices, blank="按性别默认（男60、女55）", required=False
    )
    able_to_work = forms.BooleanField(label="有劳动能力", required=False)
    disabled = forms.BooleanField(label="持有残疾人证", required=False)
    low_income = forms.BooleanField(label="城乡低保家庭成员", required=False)
    poverty_alleviated = forms.BooleanField(label="脱贫人口（含防止返贫监测对象）", required=False)
    graduated_on = _date("高校毕业时间")
    veteran_discharged_on = _date("退役时间")
    returned_home_on = _date("返乡时间", help_text="外出务工人员返乡的时间")

    @classmethod
    def for_profile(cls, data: Any, profile: EmploymentProfile | None) -> FactsForm:
        initial = (
            {name: getattr(profile, name) for name in FACT_FIELDS} if profile else {"able_to_work": True}
        )
        return cls(data, initial=initial)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FACT_FIELDS if name in self.changed_data}


def _region_filter(form: StaffForm, actor: Staff) -> None:
    form.set_choices("region", region_choices(actor, depth=2, include_self=False, blank="全部"))


class RegistrationFilterForm(StaffForm):
    kind = _pick("类型", RegistrationKind.choices, blank="全部", required=False)
    tier = _pick("服务分级", Tier.choices, blank="全部", required=False)
    region = forms.ChoiceField(label="地区", required=False)
    state = _pick(
        "状态", [("open", "未结束"), ("closed", "已结束"), ("overdue", "超期未联系")], required=False
    )

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_filter(self, actor)

    def values(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class KeyGroupFilterForm(StaffForm):
    group = _pick("重点群体", KeyGroup.choices, blank="全部", required=False)
    region = forms.ChoiceField(label="地区", required=False)

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_filter(self, actor)

    def values(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class ZeroFilterForm(StaffForm):
    region = forms.ChoiceField(label="地区", required=False)
    state = _pick("状态", [("open", "未清零"), ("cleared", "已清零")], required=False)

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _region_filter(self, actor)

    def values(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class SurveyUploadForm(StaffForm):
    region_code = forms.ChoiceField(label="村（社区）")
    file = forms.FileField(
        label="采集表",
        help_text="Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK 编码）；请用下载的模板，或表头含姓名、公民身份号码、就业状态的本地表格。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    mode = forms.ChoiceField(
        label="导入方式", choices=ImportMode.choices, initial=ImportMode.VALID, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_village_field(self, "region_code", actor)


class ParametersForm(StaffForm):
    """The rule parameters of an office (rules.Parameters); the form shows the values in force."""

    graduate_window_years = forms.IntegerField(label="高校毕业生：离校后几年内", min_value=1, max_value=10)
    older_female_age = forms.IntegerField(label="大龄：女性年满（周岁）", min_value=16, max_value=65)
    older_male_age = forms.IntegerField(label="大龄：男性年满（周岁）", min_value=16, max_value=65)
    long_term_unemployed_days = forms.IntegerField(
        label="长期失业：连续失业满（天）", min_value=30, max_value=3650
    )
    hard_to_employ = forms.MultipleChoiceField(
        label="本地认定的就业困难人员类别",
        choices=list(rules.HARD_TO_EMPLOY_CATEGORIES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    veteran_window_years = forms.IntegerField(
        label="退役军人：退役后几年内（0 表示到退休）", min_value=0, max_value=50
    )
    returned_migrant_window_years = forms.IntegerField(
        label="返乡农民工：返乡后几年内", min_value=1, max_value=10
    )
    interval_a = forms.IntegerField(label="A类联系间隔（天）", min_value=1, max_value=366)
    interval_b = forms.IntegerField(label="B类联系间隔（天）", min_value=1, max_value=366)
    interval_c = forms.IntegerField(label="C类联系间隔（天）", min_value=1, max_value=366)
    certificate_format = forms.CharField(
        label="就业创业证编号格式",
        max_length=40,
        help_text="可用 {county}（县级区划代码）、{year}（年份）、{serial:06d}（流水号，6位）",
    )

    @classmethod
    def for_parameters(cls, data: Any, params: rules.Parameters) -> ParametersForm:
        initial = {
            "graduate_window_years": params.graduate_window_years,
            "older_female_age": params.older_female_age,
            "older_male_age": params.older_male_age,
            "long_term_unemployed_days": params.long_term_unemployed_days,
            "hard_to_employ": list(params.hard_to_employ),
            "veteran_window_years": params.veteran_window_years,
            "returned_migrant_window_years": params.returned_migrant_window_years,
            "interval_a": params.contact_interval_days["A"],
            "interval_b": params.contact_interval_days["B"],
            "interval_c": params.contact_interval_days["C"],
            "certificate_format": params.certificate_format,
        }
        return cls(data, initial=initial)

    def to_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["contact_interval_days"] = {
            tier: data.pop(f"interval_{tier.lower()}") for tier in ("A", "B", "C")
        }
        return data
