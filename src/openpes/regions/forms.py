"""Region pickers for forms in every app, and the local-corrections upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from openpes.core.forms import StaffForm
from openpes.core.jurisdiction import PREFIX_LENGTHS, HasJurisdiction
from openpes.regions import selectors
from openpes.regions.models import Region, RegionLevel

Choices = list[tuple[str, str | list[tuple[str, str]]]]


def region_choices(
    actor: HasJurisdiction,
    *,
    depth: int,
    include_self: bool = True,
    only_level: int | None = None,
    blank: str = "",
) -> Choices:
    """Regions of the actor's jurisdiction down to `depth` levels below it, grouped under the first level
    below (a county's villages under their township), so that a long list stays usable on a phone.
    `only_level` keeps just that level (villages, for registering a person)."""
    prefix = actor.jurisdiction_prefix
    regions = list(selectors.region_list(actor=actor).filter(level__lte=_level_of(prefix) + depth))
    if not regions:
        return [("", blank)] if blank else []
    top, rest = regions[0], regions[1:]
    choices: Choices = [("", blank)] if blank else []
    if include_self and (only_level is None or top.level == only_level):
        choices.append((top.code, f"{top.name}（本级）" if rest else top.name))
    groups: dict[str, tuple[Region, list[tuple[str, str]]]] = {}
    for region in rest:
        if region.level == top.level + 1:
            groups[region.code] = (region, [])
    for region in rest:
        if region.level > top.level + 1:
            parent = region.code[: RegionLevel(top.level + 1).prefix_length].ljust(12, "0")
            if parent in groups:
                groups[parent][1].append((region.code, region.name))
    for region, children in groups.values():
        if only_level is None:
            choices.append((region.name, [(region.code, f"{region.name}（全部）"), *children]))
        elif region.level == only_level:
            choices.append((region.code, region.name))
        elif children:
            choices.append((region.name, children))
    return choices


def _level_of(prefix: str) -> int:
    return PREFIX_LENGTHS.index(len(prefix)) + 1 if len(prefix) in PREFIX_LENGTHS else RegionLevel.VILLAGE


def village_choices(actor: HasJurisdiction, blank: str = "请选择村（社区）") -> Choices:
    """Villages (communities) of the jurisdiction, grouped by township."""
    level = _level_of(actor.jurisdiction_prefix)
    return region_choices(
        actor, depth=RegionLevel.VILLAGE - level, only_level=RegionLevel.VILLAGE, blank=blank
    )


# Up to a county, the villages of a jurisdiction (a few hundred) fit one select, grouped by township. A city
# has thousands and a province tens of thousands: there the picker goes down one level per select.
CASCADE_ABOVE_LEVEL = RegionLevel.COUNTY


class VillagePicker(forms.Widget):
    """Selects from the level below the jurisdiction down to the village; choosing a region fetches the
    select below it from `regions:picker` (htmx). Only the last select carries the field's name, so a form
    posts just the village code, which the services check like any other (village, inside the jurisdiction).
    """

    def __init__(self, actor: HasJurisdiction, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.actor = actor

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        root = self.actor.jurisdiction_prefix.ljust(12, "0")
        path = [r.code for r in selectors.region_path(str(value or ""))] if value else []
        if value and (path[-1:] != [value] or not covers_village(self.actor, str(value))):
            path = []
        chain = path[path.index(root) + 1 :] if root in path else []
        html = picker_select(self.actor, parent=root, field=name, selected=chain, attrs=final)
        return mark_safe(f'<div class="vstack gap-2 region-picker">{html}</div>')  # noqa: S308 - built escaped

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


def covers_village(actor: HasJurisdiction, code: str) -> bool:
    return selectors.villages_within(actor).filter(code=code).exists()


def picker_select(
    actor: HasJurisdiction,
    *,
    parent: str,
    field: str,
    selected: list[str],
    attrs: dict[str, Any] | None = None,
) -> str:
    """The select of the regions directly below `parent` (inside the actor's jurisdiction), followed by the
    place where the next level goes; with `selected` (codes, top down), the whole chain down to a village.
    Only the village select is named `field`; the ones above are named `<field>_parent`, which is what
    `regions:picker` reads when one of them changes."""
    children = list(selectors.region_list(actor=actor, parent=parent).order_by("code"))
    if not children:
        return '<div class="form-text">该地区下没有可选的村（社区）</div>'
    level = RegionLevel(children[0].level)
    pick = selected[0] if selected else ""
    options = [f'<option value="">请选择{escape(level.label)}</option>']
    options += [
        f'<option value="{escape(r.code)}"{" selected" if r.code == pick else ""}>{escape(r.name)}</option>'
        for r in children
    ]
    select: dict[str, Any] = {"class": "form-select", **(attrs or {}), "aria-label": f"选择{level.label}"}
    if level == RegionLevel.VILLAGE:
        select.update(name=field, required=True)
        return f"<select{flatatt(select)}>{''.join(options)}</select>"
    select.update(
        {
            "name": f"{field}_parent",
            "hx-get": f"{reverse('regions:picker')}?field={field}",
            "hx-target": "next .picker-next",
        }
    )
    below = picker_select(actor, parent=pick, field=field, selected=selected[1:]) if pick else ""
    return f'<select{flatatt(select)}>{"".join(options)}</select><div class="picker-next vstack gap-2">{below}</div>'


def set_village_field(form: StaffForm, name: str, actor: HasJurisdiction) -> None:
    """Make `form.fields[name]` pick a village of the actor's jurisdiction: one grouped select up to a
    county, the cascading VillagePicker above."""
    field = form.fields[name]
    level = _level_of(actor.jurisdiction_prefix)
    if level >= CASCADE_ABOVE_LEVEL:
        form.set_choices(name, village_choices(actor))
        return
    form.fields[name] = forms.CharField(
        label=field.label, required=field.required, max_length=12, widget=VillagePicker(actor)
    )


class CorrectionUploadForm(StaffForm):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label="更正文件（CSV）",
        help_text="列：code, kind, name, parent_code, replaced_by, note；kind 填 更名、新增 或 撤销。UTF-8 或 GBK 编码均可。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The uploaded file as text (UTF-8, with or without BOM, or GB18030 as Excel saves it in China)."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("文件过大：更正文件不能超过2MB")
        raw = upload.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError("无法识别文件编码，请另存为 UTF-8 编码的 CSV 文件")
