"""Form plumbing shared by the staff pages: Bootstrap classes on widgets, service errors on fields, and our
own messages in place of Django's (its Chinese catalogue says "这个字段是必填项" and "确保该变量包含不超过 30 字符",
which no clerk reads as meant for them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from openpes.core.errors import DomainError

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, ""),
    (forms.RadioSelect, ""),
    (forms.CheckboxInput, "form-check-input"),
    (forms.Select, "form-select"),
    (forms.Widget, "form-control"),
]


def _default_messages(field: forms.Field) -> dict[str, Any]:
    """Django's own messages of a field's class, as `Field.__init__` merges them."""
    merged: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        merged.update(getattr(cls, "default_error_messages", {}))
    return merged


def our_messages(field: forms.Field) -> dict[str, str]:
    """The messages a form field gives, in our words and naming the field. Validator codes (max_length,
    min_length, …) are included: `Field.run_validators` looks them up here before using the validator's."""
    label = str(field.label or "此项")
    picks = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField)
    messages = {
        "required": f"请选择{label}" if picks else f"请填写{label}",
        "max_length": f"{label}不能超过%(limit_value)d个字（现为%(show_value)d个）",
        "min_length": f"{label}至少%(limit_value)d个字（现为%(show_value)d个）",
        "invalid_choice": f"所选{label}不在可选范围内，请重新选择",
        "invalid_list": f"{label}的格式不正确",
        "invalid_pk_value": f"所选{label}不在可选范围内，请重新选择",
        "invalid": f"{label}的格式不正确",
        "min_value": f"{label}不能小于%(limit_value)s",
        "max_value": f"{label}不能大于%(limit_value)s",
        "step_size": f"{label}的取值不正确",
        "null_characters_not_allowed": f"{label}含有不能使用的字符",
    }
    if isinstance(field, forms.DateField):
        messages["invalid"] = f"{label}应为日期，例如 2026-01-31"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{label}应为整数"
    if isinstance(field, forms.FileField):
        messages.update(
            required="请选择要上传的文件",
            missing="没有收到文件，请重新选择后上传",
            empty="上传的文件是空的",
            contradiction="请选择文件，或勾选清除，不能同时进行",
            max_length="文件名不能超过%(max)d个字（现为%(length)d个）",
            invalid="没有收到文件，请检查表单后重新上传",
        )
    return messages


def use_our_messages(form: forms.BaseForm) -> None:
    """Replace every Django default message of the form's fields by ours; a message a field was given
    explicitly (e.g. the second-factor code's) stays."""
    for field in form.fields.values():
        defaults = _default_messages(field)
        ours = our_messages(field)
        for code, message in list(field.error_messages.items()):
            if defaults.get(code) is message:
                field.error_messages[code] = ours.get(code, f"{field.label or '此项'}的内容不正确")
        for code in (
            "max_length",
            "min_length",
            "min_value",
            "max_value",
            "step_size",
            "null_characters_not_allowed",
        ):
            field.error_messages.setdefault(code, ours[code])


def show_length_limit(field: forms.Field) -> None:
    """A text box with a length limit shows it while typing (openpes.js counts, includes/field.html holds
    the counter) instead of the browser's `maxlength`, which cuts a longer name or a pasted address
    silently; the server refuses what is too long, saying so."""
    limit = getattr(field, "max_length", None)
    widget = field.widget
    if not limit or not isinstance(widget, forms.TextInput | forms.Textarea):
        return
    if isinstance(widget, forms.PasswordInput) or getattr(widget, "input_type", "") in {"search", "hidden"}:
        return
    widget.attrs.pop("maxlength", None)
    widget.attrs["data-max-length"] = str(limit)
    field.length_limit = limit  # type: ignore[attr-defined]


class FastSelect(forms.Select):
    """A select that writes its options in Python. Django renders each option through a template, which
    costs a page tens of milliseconds for a county's few hundred villages; region pickers use this one."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}

        def option(code: Any, label: Any) -> str:
            mark = " selected" if str(code) in selected else ""
            return f'<option value="{escape(code)}"{mark}>{escape(label)}</option>'

        parts = [f"<select{flatatt(final)}>"]
        for code, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(
                    f'<optgroup label="{escape(code)}">{"".join(option(c, n) for c, n in label)}</optgroup>'
                )
            else:
                parts.append(option(code, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above


class StaffForm(forms.Form):
    """A form styled for Bootstrap: each widget gets its class, and a field in error gets `is-invalid`."""

    # Service field names that differ from the form's (e.g. "relation_to_head" on a form field "relation").
    field_aliases: Mapping[str, str] = {}
    # Form field → id of the record a service said the input collides with (a duplicate ID number inside
    # the jurisdiction): the page links to it.
    existing: dict[str, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.existing = {}
        use_our_messages(self)
        for field in self.fields.values():
            show_length_limit(field)
            css = next(css for kind, css in _WIDGET_CLASSES if isinstance(field.widget, kind))
            if css:
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        names = [field] if field else []
        if isinstance(error, dict):
            names = list(error)
        for name in names:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def set_choices(self, name: str, choices: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.widget = FastSelect(attrs=field.widget.attrs)
        field.choices = choices

    def attach(self, exc: DomainError) -> None:
        """Put each of a service's errors on its field, or above the form when no field matches."""
        for error in exc.errors:
            name = self.field_aliases.get(error.field, error.field)
            self.add_error(name if name in self.fields else None, error.message)
            if error.existing_id is not None:
                self.existing[name] = error.existing_id
