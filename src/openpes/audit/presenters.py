"""The audit log as a person reads it: `劳动者 张三`, `与户主关系：子女 → 户主`, not `people.person #1111` and
`{'relation_to_head': ['01', '20']}`.

Generic over every model that writes change rows: the labels are the fields' `verbose_name`, choice codes
become their labels through the fields' `choices`, a reference becomes the name of the record it points to,
a region code the region's name. Names are read in one query per model for a whole page, and only within
the reader's jurisdiction (a record that has since moved away, or was deleted, is shown by its number).
ID numbers and phones are stored masked in the rows; anything that still looks like a full number is masked
here again, so that no change of the code that writes rows can put one on the auditor's screen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from openpes.audit.models import AccessLog, ChangeLog
from openpes.audit.services import EXPORT_FIELD, LOOKUP_FIELD
from openpes.core.identifiers import mask_identifiers_in_text
from openpes.core.jurisdiction import HasJurisdiction

EMPTY = "（空）"
PAIRED_ACTIONS = {ChangeLog.Action.UPDATE, ChangeLog.Action.ACCOUNT}  # their values are [before, after]
NAME_FIELDS = ("name", "full_name", "username")  # what a record is called, first one the model has
REGION_KEYS = {"region_code", "jurisdiction"}  # values that are region codes, shown by name
IDS_SHOWN = 10
# Keys the services write that are not a field of the target model.
EXTRA_LABELS = {
    "ids": "涉及记录",
    "roles": "角色",
    "jurisdiction": "辖区",
    "id_number": "身份证号码",
    "phone": "联系电话",
    "days": "有效天数",
    "kind": "更正类型",
}


@dataclass(frozen=True)
class ChangeLine:
    label: str
    after: str
    before: str | None = None  # None when the row says only what was set (a creation, a bulk update)


@dataclass
class ChangeEntry:
    row: ChangeLog
    target: str  # 劳动者 张三
    lines: list[ChangeLine] = field(default_factory=list)
    summary: str = ""  # free text (a clerk's reason may be in it), masked again


@dataclass
class AccessEntry:
    row: AccessLog
    target: str
    field_label: str
    reason: str = ""  # free text, masked again


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    """The model field a key of the changes names: `household` and `household_id`, and `id_number` for the
    stored `id_number_masked`."""
    if model is None:
        return None
    for name in (key, f"{key}_masked"):
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(found, models.Field):
            return found
    return None


class _Names:
    """Names of the records a page mentions, read in one query per model, within the reader's jurisdiction."""

    def __init__(self, actor: HasJurisdiction) -> None:
        self.actor = actor
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.regions: set[str] = set()
        self.found: dict[tuple[type[models.Model], str], str] = {}
        self.region_names: dict[str, str] = {}

    def want(self, model: type[models.Model] | None, pk: Any) -> None:
        if model is not None and pk not in (None, ""):
            self.wanted[model].add(str(pk))

    def load(self) -> None:
        for model, pks in self.wanted.items():
            name_field = next((n for n in NAME_FIELDS if _field(model, n) is not None), None)
            if name_field is None:
                continue
            rows = model._default_manager.all()
            within = getattr(rows, "within", None)
            if within is not None:
                rows = within(self.actor)
            keys = []
            for pk in pks:
                try:
                    keys.append(model._meta.pk.to_python(pk))
                except ValidationError:  # a key of another type than this model's: nothing to name
                    continue
            for pk, name in rows.filter(pk__in=keys).values_list("pk", name_field):
                self.found[(model, str(pk))] = str(name)
        region = _model("regions.Region")  # regions sit above audit: looked up by label, not imported
        if region is not None and self.regions:
            self.region_names = dict(
                region._default_manager.filter(code__in=self.regions).values_list("code", "name")
            )

    def record(self, model: type[models.Model] | None, pk: Any) -> str:
        if model is None:
            return f"#{pk}"
        return self.found.get((model, str(pk)), f"#{pk}")


class _Presenter:
    def __init__(self, actor: HasJurisdiction) -> None:
        self.names = _Names(actor)

    # --- first pass: what needs a name ---

    def collect(self, target_type: str, target_id: str, changes: Mapping[str, Any], paired: bool) -> None:
        model = _model(target_type)
        if target_id:
            self.names.want(model, target_id)
        for key, value in self._flat(changes):
            values = value if isinstance(value, list) else [value]
            if key in REGION_KEYS:
                self.names.regions.update(str(v) for v in values if v)
                continue
            found = _field(model, key)
            if found is not None and found.is_relation and found.related_model is not None:
                related = found.related_model
                assert isinstance(related, type)
                for v in values:
                    self.names.want(related, v)

    @staticmethod
    def _flat(changes: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
        for key, value in changes.items():
            if key == "set" and isinstance(value, Mapping):  # a bulk update: what every row was set to
                yield from value.items()
            elif key != "ids":
                yield key, value

    # --- second pass: the words ---

    def target(self, target_type: str, target_id: str) -> str:
        model = _model(target_type)
        kind = str(model._meta.verbose_name) if model is not None else target_type
        if not target_id:
            return kind
        return f"{kind} {self.names.record(model, target_id)}"

    def value(self, model: type[models.Model] | None, key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        if isinstance(value, list):
            return "、".join(self.value(model, key, v) for v in value)
        if isinstance(value, bool):
            return "是" if value else "否"
        if key in REGION_KEYS:
            code = str(value)
            name = self.names.region_names.get(code)
            return f"{name}（{code}）" if name else code
        found = _field(model, key)
        if found is not None and found.is_relation and isinstance(found.related_model, type):
            return self.names.record(found.related_model, value)
        if found is not None and found.choices:
            labels = {str(code): str(label) for code, label in found.flatchoices}
            return labels.get(str(value), str(value))
        return mask_identifiers_in_text(str(value))

    def label(self, model: type[models.Model] | None, key: str) -> str:
        found = _field(model, key)
        if found is not None:
            return str(found.verbose_name)
        return EXTRA_LABELS.get(key, key)

    def lines(self, target_type: str, changes: Mapping[str, Any], paired: bool) -> list[ChangeLine]:
        model = _model(target_type)
        out: list[ChangeLine] = []
        ids = changes.get("ids")
        if isinstance(ids, list) and ids:
            ordered = sorted((str(i) for i in ids), key=lambda i: (len(i), i))  # numbers in order
            shown = "、".join(ordered[:IDS_SHOWN])
            more = f" 等，共{len(ids)}条" if len(ids) > IDS_SHOWN else ""
            out.append(ChangeLine("涉及记录", f"编号 {shown}{more}"))
        for key, value in self._flat(changes):
            label = self.label(model, key)
            if paired and isinstance(value, list) and len(value) == 2:
                before, after = value
                out.append(ChangeLine(label, self.value(model, key, after), self.value(model, key, before)))
            else:
                out.append(ChangeLine(label, self.value(model, key, value)))
        return out


def present_changes(rows: Iterable[ChangeLog], *, actor: HasJurisdiction) -> list[ChangeEntry]:
    """A page of change-log rows in words: the record's kind and name, each field's label and values."""
    rows = list(rows)
    presenter = _Presenter(actor)
    for row in rows:
        changes = row.changes if isinstance(row.changes, Mapping) else {}
        presenter.collect(row.target_type, row.target_id, changes, row.action in PAIRED_ACTIONS)
    presenter.names.load()
    entries = []
    for row in rows:
        changes = row.changes if isinstance(row.changes, Mapping) else {}
        entries.append(
            ChangeEntry(
                row=row,
                target=presenter.target(row.target_type, row.target_id),
                lines=presenter.lines(row.target_type, changes, row.action in PAIRED_ACTIONS),
                summary=mask_identifiers_in_text(row.summary),
            )
        )
    return entries


ACCESS_FIELDS = {EXPORT_FIELD: "导出名单（Excel）", LOOKUP_FIELD: "按完整身份证号码查找"}


def present_accesses(rows: Iterable[AccessLog], *, actor: HasJurisdiction) -> list[AccessEntry]:
    """A page of access-log rows with the record's name and the label of the field that was revealed."""
    rows = list(rows)
    presenter = _Presenter(actor)
    for row in rows:
        presenter.collect(row.target_type, row.target_id, {}, paired=False)
    presenter.names.load()
    return [
        AccessEntry(
            row=row,
            target=presenter.target(row.target_type, row.target_id),
            field_label=ACCESS_FIELDS.get(row.field) or presenter.label(_model(row.target_type), row.field),
            reason=mask_identifiers_in_text(row.reason),
        )
        for row in rows
    ]
