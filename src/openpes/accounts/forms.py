"""Forms of the account pages: sign-in, second factor, API tokens, staff management."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from openpes.accounts import services
from openpes.accounts.models import Institution, PartnerScope, Staff
from openpes.accounts.roles import Role
from openpes.core.forms import StaffForm, use_our_messages
from openpes.regions.forms import region_choices


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "登录名或密码不正确。连续输错多次后账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["username"].label = "登录名"
        self.fields["password"].label = "密码"
        use_our_messages(self)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        # Before the password is checked: a refused address learns nothing, and no account is charged a failure.
        if self.request is not None:
            wait = services.login_address_refused(
                request=self.request, username=self.cleaned_data.get("username", "")
            )
            if wait is not None:
                raise ValidationError(
                    f"本机所在地址登录失败次数过多，已暂停登录，请约 {wait} 分钟后再试。"
                    "如确需立即登录，请联系系统管理员。",
                    code="address_throttled",
                )
        return super().clean()


class OtpForm(StaffForm):
    token = forms.RegexField(
        label="6位验证码",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": "请输入身份验证器上显示的6位数字"},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class TokenForm(StaffForm):
    name = forms.CharField(label="用途", max_length=100, help_text="例如：乡镇数据对接、统计报表脚本")
    days = forms.IntegerField(
        label="有效天数",
        min_value=1,
        max_value=366,
        initial=settings.API_TOKEN_DEFAULT_DAYS,
        help_text="1至366天，到期后自动失效",
        error_messages={"min_value": "有效期应为1至366天", "max_value": "有效期应为1至366天"},
    )


_PASSWORD_HELP = "至少10位，包含大写字母、小写字母、数字、符号中的至少三类"  # noqa: S105 - a help text


def _password_field(label: str, help_text: str = "", autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        help_text=help_text,
        error_messages={"max_length": "密码不能超过128个字符"},
    )


class PasswordPairForm(StaffForm):
    """A new password typed twice."""

    field_aliases = {"password": "password1"}

    password1 = _password_field("新密码", _PASSWORD_HELP)
    password2 = _password_field("再次输入新密码")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class PasswordChangeForm(PasswordPairForm):
    """Staff change their own password: the current one first."""

    field_aliases = {"password": "password1", "new_password1": "password1"}
    field_order = ["old_password", "password1", "password2"]

    old_password = _password_field("当前密码", autocomplete="current-password")


class PasswordResetForm(PasswordPairForm):
    """An administrator sets a temporary password that its owner must replace at the next sign-in."""

    password1 = _password_field("临时密码", _PASSWORD_HELP + "；对方首次登录时须改为自己的密码")
    password2 = _password_field("再次输入临时密码")


class StaffCreateForm(StaffForm):
    field_aliases = {"password": "password1"}

    username = forms.CharField(label="登录名", max_length=50, help_text="字母、数字、下划线、点或连字符")
    full_name = forms.CharField(label="姓名", max_length=50)
    password1 = _password_field("初始密码", _PASSWORD_HELP + "；对方首次登录时须改为自己的密码")
    password2 = _password_field("再次输入密码")
    jurisdiction_code = forms.ChoiceField(label="辖区")
    roles = forms.MultipleChoiceField(label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    institution = forms.ModelChoiceField(
        label="所属机构", queryset=Institution.objects.none(), required=False
    )

    def __init__(self, *args: Any, actor: Staff, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("jurisdiction_code", region_choices(actor, depth=2, blank="请选择辖区"))
        institution = self.fields["institution"]
        assert isinstance(institution, forms.ModelChoiceField)
        institution.queryset = institutions
        institution.empty_label = "（不指定）"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class PartnerForm(StaffForm):
    name = forms.CharField(
        label="合作系统名称", max_length=100, help_text="例如：绥宁人才网、长铺镇招聘会系统"
    )
    region_code = forms.ChoiceField(
        label="服务区划", help_text="该系统只能发布在此区划内登记的用人单位的岗位"
    )

    def __init__(self, *args: Any, actor: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("region_code", region_choices(actor, depth=2, blank="请选择区划"))


class PartnerKeyForm(StaffForm):
    scopes = forms.MultipleChoiceField(
        label="权限范围", choices=PartnerScope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(
        label="有效天数",
        required=False,
        min_value=1,
        max_value=services.PARTNER_KEY_MAX_DAYS,
        initial=365,
        help_text=f"1至{services.PARTNER_KEY_MAX_DAYS}天；不填则直至吊销",
    )


class PartnerKeyRevokeForm(StaffForm):
    reason = forms.CharField(
        label="吊销原因", max_length=200, help_text="例如：合作终止、密钥泄露、换发新密钥"
    )
