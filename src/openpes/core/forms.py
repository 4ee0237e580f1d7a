"""Form plumbing shared by the staff pages: Bootstrap classes on widgets, service errors on fields."""

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
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
