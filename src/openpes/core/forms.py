"""Form plumbing shared by the staff pages: Bootstrap classes on widgets, service errors on fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from openpes.core.errors import DomainError

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, ""),
    (forms.RadioSelect, ""),
    (forms.CheckboxInput, "form-check-input"),
    (forms.Select, "form-select"),
    (forms.Widget, "form-control"),
]


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
        field.choices = choices

    def attach(self, exc: DomainError) -> None:
        """Put each of a service's errors on its field, or above the form when no field matches."""
        for error in exc.errors:
            name = self.field_aliases.get(error.field, error.field)
            self.add_error(name if name in self.fields else None, error.message)
