"""Every form speaks our words: no message from Django's catalogue (这个字段是必填项, 确保该变量包含不超过 30
字符, 请输入一个有效的……, 选择一个有效的选项) reaches a page, and a length limit is shown, not enforced by a
browser that cuts silently."""

from __future__ import annotations

import copy
import importlib
import pkgutil

import pytest
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import translation

import openpes
from openpes.core.forms import StaffForm, use_our_messages


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(openpes.__path__, "openpes."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("openpes."):
                found.append(sub)
    return found


def _django_messages() -> set[str]:
    """Every default message of Django's form fields and of the validators they run, in Chinese."""
    texts: set[str] = set()
    classes = [getattr(forms, name) for name in dir(forms)]
    classes += [getattr(validators, name) for name in dir(validators)]
    for cls in classes:
        if isinstance(cls, type):
            for klass in cls.__mro__:
                texts.update(str(m) for m in getattr(klass, "default_error_messages", {}).values())
                if "message" in vars(klass):
                    texts.add(str(vars(klass)["message"]))
    return {t for t in texts if t}


@pytest.mark.parametrize("form_class", _project_forms(), ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_no_field_of_any_form_keeps_a_django_message(form_class: type[forms.BaseForm]) -> None:
    form = form_class.__new__(form_class)
    form.fields = copy.deepcopy(form_class.base_fields)
    use_our_messages(form)  # what StaffForm.__init__ (and the login form) do
    with translation.override("zh-hans"):
        django = _django_messages()
        assert "这个字段是必填项。" in django  # the catalogue is there to compare with
        for name, field in form.fields.items():
            for code, message in field.error_messages.items():
                assert str(message) not in django, f"{name}.{code}: {message}"
            # A validator's own message is used unless the field has one for its code (Field.run_validators).
            for validator in field.validators:
                code = getattr(validator, "code", None)
                assert code in field.error_messages, f"{name}: validator {code} speaks Django's words"


def test_the_messages_name_the_field_and_the_limit() -> None:
    class Sample(StaffForm):
        name = forms.CharField(label="姓名", max_length=30)
        village = forms.ChoiceField(label="所在村（社区）", choices=[("1", "一村")])
        days = forms.IntegerField(label="间隔天数", min_value=1, max_value=366, required=False)

    assert Sample({"name": "张", "village": "1", "days": "0"}).errors == {"days": ["间隔天数不能小于1"]}
    assert Sample({"name": "张", "village": "1", "days": "400"}).errors == {"days": ["间隔天数不能大于366"]}

    form = Sample({"name": "张" * 31, "village": "9"})
    assert not form.is_valid()
    assert form.errors == {
        "name": ["姓名不能超过30个字（现为31个）"],
        "village": ["所选所在村（社区）不在可选范围内，请重新选择"],
    }
    assert Sample({}).errors == {"name": ["请填写姓名"], "village": ["请选择所在村（社区）"]}


def test_a_length_limit_is_shown_instead_of_cut_by_the_browser() -> None:
    class Sample(StaffForm):
        name = forms.CharField(label="姓名", max_length=30)
        code = forms.CharField(label="密码", max_length=30, widget=forms.PasswordInput)

    form = Sample()
    html = str(form["name"])
    assert 'data-max-length="30"' in html and "maxlength" not in html
    assert form.fields["name"].length_limit == 30  # type: ignore[attr-defined]
    assert not hasattr(form.fields["code"], "length_limit")


def test_password_checks_speak_our_words_too(settings) -> None:
    from django.contrib.auth import password_validation

    with translation.override("zh-hans"):
        django = {
            str(cls().get_error_message())
            for cls in (
                password_validation.UserAttributeSimilarityValidator,
                password_validation.CommonPasswordValidator,
                password_validation.NumericPasswordValidator,
            )
        }
        ours = password_validation.get_default_password_validators()
        assert len(ours) == len(settings.AUTH_PASSWORD_VALIDATORS)
        for validator in ours:
            assert validator.__module__.startswith("openpes."), validator
            if hasattr(validator, "get_error_message"):
                assert str(validator.get_error_message()) not in django
        with pytest.raises(ValidationError) as info:
            password_validation.validate_password("20261129202611")
        assert "密码不能全是数字。" in info.value.messages
