"""Forms of the employer pages and of the portal. They only shape input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from openpes.accounts.models import Staff
from openpes.core.forms import StaffForm
from openpes.core.identifiers import full_phone, mask_phone
from openpes.employers.models import Employer, EmployerSize, Verification
from openpes.employers.selectors import EmployerFilters
from openpes.employers.services import DemandLineInput, EmployerInput
from openpes.regions.forms import region_choices
from openpes.taxonomy.models import Industry, Occupation

KEY_CHOICES = [("", "全部"), ("yes", "重点企业"), ("no", "非重点企业")]


def industry_choices() -> list[tuple[str, Any]]:
    """The divisions (大类) of GB/T 4754-2017, grouped by section (门类): fine enough for a PES, short
    enough for a phone."""
    rows = Industry.objects.filter(level__in=["section", "division"]).values_list(
        "code", "name", "parent_code"
    )
    sections: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    divisions: list[tuple[str, str, str]] = []
    for code, name, parent in rows:
        if parent:
            divisions.append((code, name, parent))
        else:
            sections[code] = (f"{code} {name}", [])
    for code, name, parent in sorted(divisions):
        if parent in sections:
            sections[parent][1].append((code, f"{code} {name}"))
    return [("", "（未填写）"), *((label, items) for label, items in sections.values() if items)]


class EmployerFilterForm(StaffForm):
    shown: QueryDict | None = None

    q = forms.CharField(
        label="查找",
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "单位名称、统一社会信用代码或联系电话"}
        ),
    )
    region = forms.ChoiceField(label="地区", required=False)
    verification = forms.ChoiceField(
        label="审核状态", required=False, choices=[("", "全部"), *Verification.choices]
    )
    key = forms.ChoiceField(label="重点企业", required=False, choices=KEY_CHOICES)

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("region", region_choices(actor, depth=2, include_self=False, blank="全部"))

    def filters(self) -> EmployerFilters:
        """The filters asked for; a field in error is left out. A phone number searched for is shown back
        masked in the box and in the page's links."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
            self.data = self.shown = self._shown_query()
        key = data.get("key", "")
        return EmployerFilters(
            q=data.get("q", ""),
            region=data.get("region", ""),
            verification=data.get("verification", ""),
            key_enterprise={"yes": True, "no": False}.get(key),
        )

    def _shown_query(self) -> QueryDict:
        query = QueryDict(mutable=True)
        data = self.data if isinstance(self.data, QueryDict) else QueryDict()
        for name in self.fields:
            value = data.get(name, "")
            if value:
                query[name] = str(value)
        phone = full_phone(query.get("q", ""))
        if phone:
            query["q"] = mask_phone(phone)
        return query


class EmployerForm(StaffForm):
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text="18位，见营业执照或登记证书",
    )
    name = forms.CharField(label="单位名称", max_length=100)
    industry_code = forms.ChoiceField(label="所属行业", required=False)
    size = forms.ChoiceField(
        label="企业规模", required=False, choices=[("", "（未填写）"), *EmployerSize.choices]
    )
    region_code = forms.ChoiceField(label="所在地")
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    contact_phone = forms.CharField(
        label="联系电话", max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )

    plain_fields = ("uscc", "name", "industry_code", "size", "region_code", "address", "contact_name")

    def __init__(self, *args: Any, actor: Staff, employer: Employer | None = None, **kwargs: Any) -> None:
        if employer is not None:
            kwargs.setdefault("initial", {name: getattr(employer, name) for name in self.plain_fields})
        super().__init__(*args, **kwargs)
        self.employer = employer
        industries = industry_choices()
        if employer is not None and employer.industry_code and len(employer.industry_code) > 2:
            industries = [*industries, (employer.industry_code, f"{employer.industry_code}（细分行业）")]
        self.set_choices("industry_code", industries)
        self.set_choices("region_code", region_choices(actor, depth=2, blank="请选择所在地"))
        if employer is not None:
            self.fields["contact_phone"].help_text = (
                f"现为 {employer.contact_phone_masked}；不修改请留空"
                if employer.contact_phone_masked
                else "未登记"
            )
            self.fields["clear_phone"] = forms.BooleanField(label="删除已登记的联系电话", required=False)
            self.fields["clear_phone"].widget.attrs["class"] = "form-check-input"

    def to_input(self) -> EmployerInput:
        return EmployerInput(
            **{name: self.cleaned_data.get(name) or "" for name in (*self.plain_fields, "contact_phone")}
        )

    def changed_fields(self) -> set[str]:
        fields = set(self.plain_fields)
        if self.cleaned_data.get("contact_phone") or self.cleaned_data.get("clear_phone"):
            fields.add("contact_phone")
        return fields


class VerifyForm(StaffForm):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "通过"), ("reject", "不通过")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="审核意见",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不通过时必填，单位在网上能看到这条意见",
    )


class KeyEnterpriseForm(StaffForm):
    is_key_enterprise = forms.BooleanField(label="重点企业", required=False)
    specialist = forms.ChoiceField(label="就业服务专员", required=False)

    def __init__(self, *args: Any, specialists: list[Staff], employer: Employer, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"is_key_enterprise": employer.is_key_enterprise, "specialist": employer.specialist_id or ""},
        )
        super().__init__(*args, **kwargs)
        self.staff = {str(s.pk): s for s in specialists}
        self.set_choices(
            "specialist",
            [
                ("", "（不指派）"),
                *((str(s.pk), f"{s.full_name}（{s.jurisdiction.name}）") for s in specialists),
            ],
        )

    def chosen_specialist(self) -> Staff | None:
        return self.staff.get(self.cleaned_data.get("specialist") or "")


class ReasonForm(StaffForm):
    reason = forms.CharField(label="原因", max_length=200)


class RevealForm(StaffForm):
    reason = forms.CharField(
        label="查看事由",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：联系招聘会参会事宜"}),
        help_text="查看完整电话会记入个人信息查看日志",
    )


def occupation_options() -> list[tuple[str, str]]:
    """The unit groups (细类) of 大典 2022 in use, for the demand lines' list of suggestions."""
    return list(
        Occupation.objects.filter(level=Occupation.Level.UNIT, replaced_by="").values_list("code", "name")
    )


class DemandSurveyForm(StaffForm):
    """A survey with up to ROWS lines; empty rows are skipped."""

    ROWS = 6
    surveyed_on = forms.DateField(label="调查日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="备注", max_length=200, required=False)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {name: self[f"{name}_{row}"] for name in ("occupation", "headcount", "wanted_by", "line_note")}
            for row in range(1, self.ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, self.ROWS + 1):
            occupation = (data.get(f"occupation_{row}") or "").strip()
            headcount = data.get(f"headcount_{row}")
            if not occupation and headcount is None:
                continue
            if not occupation:
                self.add_error(f"occupation_{row}", f"第{row}行：请选择职业")
            if headcount is None and f"headcount_{row}" not in self.errors:
                self.add_error(f"headcount_{row}", f"第{row}行：请填写人数")
        return data

    def lines(self) -> list[DemandLineInput]:
        """The filled rows, in order; `self.line_rows[i]` is the form row of line i (for service errors)."""
        self.line_rows: list[int] = []
        lines = []
        for row in range(1, self.ROWS + 1):
            occupation = (self.cleaned_data.get(f"occupation_{row}") or "").strip()
            if not occupation:
                continue
            self.line_rows.append(row)
            lines.append(
                DemandLineInput(
                    occupation_code=occupation.split()[0],
                    headcount=self.cleaned_data.get(f"headcount_{row}") or 0,
                    wanted_by=self.cleaned_data.get(f"wanted_by_{row}"),
                    note=self.cleaned_data.get(f"line_note_{row}") or "",
                )
            )
        return lines

    def attach_lines(self, exc: Any) -> None:
        """Service errors named `lines.<i>.<field>` go to the form row they came from."""
        names = {
            "occupation_code": "occupation",
            "headcount": "headcount",
            "wanted_by": "wanted_by",
            "note": "line_note",
        }
        for error in exc.errors:
            parts = error.field.split(".")
            if (
                len(parts) == 3
                and parts[0] == "lines"
                and parts[1].isdigit()
                and int(parts[1]) < len(self.line_rows)
            ):
                self.add_error(
                    f"{names.get(parts[2], 'occupation')}_{self.line_rows[int(parts[1])]}", error.message
                )
            else:
                self.add_error(error.field if error.field in self.fields else None, error.message)


def _add_line_fields(form: type[DemandSurveyForm]) -> None:
    """The rows' fields, declared on the class so that StaffForm gives them our messages and styles."""
    for row in range(1, form.ROWS + 1):
        form.base_fields[f"occupation_{row}"] = forms.CharField(
            label=f"第{row}行职业",
            max_length=120,
            required=False,
            widget=forms.TextInput(attrs={"list": "occupations", "placeholder": "输入职业名称或代码后选择"}),
        )
        form.base_fields[f"headcount_{row}"] = forms.IntegerField(
            label=f"第{row}行人数", required=False, min_value=1, max_value=100_000
        )
        form.base_fields[f"wanted_by_{row}"] = forms.DateField(
            label=f"第{row}行到岗日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        form.base_fields[f"line_note_{row}"] = forms.CharField(
            label=f"第{row}行要求", max_length=200, required=False
        )


_add_line_fields(DemandSurveyForm)


# --- the portal ----------------------------------------------------------------------------------------------


class SignUpForm(StaffForm):
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
        help_text="18位，见营业执照；注册后用它登录",
    )
    name = forms.CharField(label="单位名称", max_length=100, help_text="与营业执照一致")
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label="密码",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少10位，含大写字母、小写字母、数字、符号中的至少三类",
    )
    password_again = forms.CharField(
        label="再次输入密码",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "两次输入的密码不一致")
        return data


class PortalLoginForm(StaffForm):
    login_name = forms.CharField(
        label="统一社会信用代码",
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
    )
    password = forms.CharField(
        label="密码",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
