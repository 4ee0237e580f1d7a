from __future__ import annotations

from typing import Any

from django import forms

from openpes.audit.selectors import LogFilters
from openpes.core.forms import StaffForm


class LogFilterForm(StaffForm):
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    actor = forms.CharField(label="操作人账号", required=False, max_length=150)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def filters(self) -> LogFilters:
        """The filters asked for; a field in error (shown on the form) is left out."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return LogFilters(
            date_from=data.get("date_from"), date_to=data.get("date_to"), actor=data.get("actor", "")
        )
