"""Forms of the registry pages. They only shape input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from openpes.accounts.models import Staff
from openpes.core.forms import StaffForm
from openpes.core.identifiers import full_id_number, full_phone, mask_id_number, mask_phone, normalise_text
from openpes.people.models import Education, Ethnicity, Household, Person, PoliticalStatus, Relation, Sex
from openpes.people.selectors import PersonFilters
from openpes.people.services import PersonInput
from openpes.regions.forms import region_choices, set_village_field


def _blank(choices: list[tuple[str, str]], label: str = "（未填写）") -> list[tuple[str, str]]:
    return [("", label), *choices]


class PersonFilterForm(StaffForm):
    shown: QueryDict | None = None  # the query as the page may show it (see `filters`)

    q = forms.CharField(
        label="查找",
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "姓名、身份证号码（或后4位）、手机号码"}
        ),
    )
    region = forms.ChoiceField(label="地区", required=False)
    sex = forms.ChoiceField(label="性别", required=False, choices=_blank(Sex.choices, "全部"))

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("region", region_choices(actor, depth=2, include_self=False, blank="全部"))

    def filters(self) -> PersonFilters:
        """The filters asked for; a field in error (shown on the form) is left out.

        A full ID number or phone number searched for is shown back masked, in the box and in every link of
        the page (pagination, export, the address pushed by htmx): pages never show a full number."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
            self.data = self.shown = self.shown_query()
        return PersonFilters(q=data.get("q", ""), region=data.get("region", ""), sex=data.get("sex", ""))

    def shown_query(self) -> QueryDict:
        query = QueryDict(mutable=True)
        data = self.data if isinstance(self.data, QueryDict) else QueryDict()
        for name in self.fields:  # the filters only: never a posted form's CSRF token
            value = data.get(name, "")
            if value:
                query[name] = str(value)
        number = full_id_number(query.get("q", ""))
        phone = None if number else full_phone(query.get("q", ""))
        if number:
            query["q"] = mask_id_number(number)
        elif phone:
            query["q"] = mask_phone(phone)
        return query


class HouseholdFilterForm(PersonFilterForm):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "在册家庭"), ("closed", "已注销的家庭")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["sex"]
        self.fields["q"].widget.attrs["placeholder"] = "成员姓名、身份证号码或住址"

    @property
    def closed(self) -> bool:
        return self.is_bound and self.data.get("status") == "closed"


class PersonForm(StaffForm):
    """Register a person. The ID number gives birth date and sex; the services check it."""

    name = forms.CharField(label="姓名", max_length=30)
    id_number = forms.CharField(
        label="身份证号码", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label="联系电话", max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    region_code = forms.ChoiceField(label="所在村（社区）")
    address = forms.CharField(label="住址", max_length=200, required=False)
    education = forms.ChoiceField(label="文化程度", choices=_blank(Education.choices), required=False)
    ethnicity = forms.ChoiceField(label="民族", choices=_blank(Ethnicity.choices), required=False)
    political_status = forms.ChoiceField(
        label="政治面貌", choices=_blank(PoliticalStatus.choices), required=False
    )

    plain_fields = ("name", "region_code", "address", "education", "ethnicity", "political_status")

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_village_field(self, "region_code", actor)

    def converted_from_15(self) -> bool:
        """Whether the number typed was an old 15-digit one, which the service stores as 18 digits."""
        typed = normalise_text(self.cleaned_data.get("id_number") or "")
        return len(typed) == 15 and typed.isdigit()

    def to_input(self) -> PersonInput:
        data: dict[str, Any] = {
            name: self.cleaned_data.get(name) or "" for name in (*self.plain_fields, "id_number", "phone")
        }
        return PersonInput(**data)


class PersonEditForm(PersonForm):
    """Change a person. The full ID number and phone are never sent to the browser: left empty they stay."""

    clear_phone = forms.BooleanField(label="删除已登记的联系电话", required=False)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(person, name) for name in self.plain_fields})
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = False
        self.fields["id_number"].help_text = f"现为 {person.id_number_masked}；不修改请留空"
        self.fields["phone"].help_text = (
            f"现为 {person.phone_masked}；不修改请留空" if person.phone_masked else "未登记"
        )

    def changed_fields(self) -> set[str]:
        fields = set(self.plain_fields)
        if self.cleaned_data.get("id_number"):
            fields.add("id_number")
        if self.cleaned_data.get("phone") or self.cleaned_data.get("clear_phone"):
            fields.add("phone")
        return fields

    def to_input(self) -> PersonInput:
        data = super().to_input()
        if self.cleaned_data.get("clear_phone") and not self.cleaned_data.get("phone"):
            data.phone = ""
        return data


class RevealForm(StaffForm):
    FIELDS = {"id_number": "身份证号码", "phone": "联系电话"}

    field = forms.ChoiceField(label="查看项目", choices=list(FIELDS.items()))
    reason = forms.CharField(
        label="查看事由", max_length=200, help_text="将记入个人信息查看日志，例如：办理失业登记核对身份"
    )


class HouseholdForm(StaffForm):
    region_code = forms.ChoiceField(label="所在村（社区）")
    address = forms.CharField(label="住址", max_length=200, required=False)

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_village_field(self, "region_code", actor)


class HouseholdEditForm(HouseholdForm):
    head = forms.TypedChoiceField(label="户主", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, members: list[Person], household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        heads = [(str(p.pk), f"{p.name}（{p.id_number_masked}）") for p in members]
        self.set_choices("head", [("", "（暂无户主）"), *heads])
        if members:
            self.fields["region_code"].help_text = f"改到其他村（社区）时，本户 {len(members)} 名成员一同迁入"
        if household.head_id and household.head_id not in {p.pk for p in members}:
            # A head this actor may not see is kept as it is, not cleared by a select that cannot show it.
            self.set_choices("head", [(str(household.head_id), "（辖区外人员，保持不变）")])
            self.fields["head"].disabled = True
            self.fields["head"].help_text = "户主登记在您的辖区以外，请联系上级经办机构修改"


class ReasonForm(StaffForm):
    reason = forms.CharField(label="原因", max_length=200, help_text="记入操作日志")


class AddMemberForm(StaffForm):
    """Find a person of the jurisdiction by name, ID number or its last four characters, pick one, say how
    they relate to the head; confirm when they leave another household for this one."""

    field_aliases = {"relation_to_head": "relation"}

    q = forms.CharField(
        label="查找人员",
        required=False,
        max_length=50,
        help_text="输入姓名、身份证号码或后4位，从结果中选择；此人须已在您的辖区登记为劳动者",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    relation = forms.ChoiceField(label="与户主关系", choices=Relation.choices)
    confirm_move = forms.BooleanField(label="确认把此人从原家庭移出，加入本户", required=False)

    def clean_person(self) -> int:
        person = self.cleaned_data.get("person")
        if not person:
            raise forms.ValidationError("请先查找并选择要加入的人员")
        return int(person)
