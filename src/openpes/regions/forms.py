"""Region pickers for forms in every app, and the local-corrections upload."""

from __future__ import annotations

from django import forms

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
