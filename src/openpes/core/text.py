"""Free text from forms, imports and the API: trimmed, normalised, bounded, and never markup."""

from __future__ import annotations

import re
import unicodedata

from openpes.core.errors import DomainError

_MARKUP = re.compile(r"[<>]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Chinese names, names of ethnic minorities written with the middle dot (买买提·艾力), and Latin names.
_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaffA-Za-z][\u3400-\u9fff\uf900-\ufaffA-Za-z·• .\-]*$")


def clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if required and not text:
        raise DomainError(field, f"请填写{label}")
    if len(text) > max_length:
        raise DomainError(field, f"{label}不能超过{max_length}个字（现为{len(text)}个）")
    if _MARKUP.search(text):
        raise DomainError(field, f"{label}不能包含 < 或 > 等网页代码字符")
    if _CONTROL.search(text):
        raise DomainError(field, f"{label}含有不可见的控制字符，请重新输入")
    return text


def clean_person_name(value: str | None, *, field: str = "name", max_length: int = 30) -> str:
    name = clean_text(value, field=field, label="姓名", max_length=max_length, required=True)
    name = name.replace("•", "·")
    if not _NAME.match(name):
        raise DomainError(field, "姓名只能包含汉字、字母、间隔号“·”和空格")
    return name
