"""The division tree: national loads (idempotent, with ancestors) and local corrections (atomic, scoped,
and kept across national reloads)."""

from __future__ import annotations

import pytest

from openpes.accounts.roles import Role
from openpes.audit.models import ChangeLog
from openpes.core.errors import DomainError
from openpes.regions import selectors, services
from openpes.regions.models import Region, RegionCorrection, RegionLevel, RegionSource


def snapshot(prefix: str) -> list[tuple]:
    return list(
        Region.objects.in_prefix(prefix)
        .values_list("code", "name", "level", "parent_code", "retired")
        .order_by("code")
    )


def test_national_load_is_idempotent(db):
    before = snapshot("430527")
    assert len(before) > 200
    loaded = services.load_national(prefix="430527")
    assert loaded == len(before) + 2  # the subtree plus province and city
    assert services.load_national(prefix="430527") == loaded
    assert snapshot("430527") == before
    assert Region.objects.filter(code__in=["430000000000", "430500000000"]).count() == 2


def test_county_load_brings_its_ancestors_with_levels_and_parents(db):
    services.load_national(prefix="110101")
    province = Region.objects.get(code="110000000000")
    city = Region.objects.get(code="110100000000")
    county = Region.objects.get(code="110101000000")
    assert (province.level, city.level, county.level) == (
        RegionLevel.PROVINCE,
        RegionLevel.CITY,
        RegionLevel.COUNTY,
    )
    assert (province.parent_code, city.parent_code, county.parent_code) == ("", province.code, city.code)
    assert province.name == "北京市"
    assert Region.objects.in_prefix("110101").filter(level=RegionLevel.VILLAGE).exists()
    # only the asked-for county, not its siblings
    assert not Region.objects.in_prefix("110102").exists()
    entry = ChangeLog.objects.filter(target_type="regions.region").latest("id")
    assert entry.action == "bulk_create"
    assert entry.region_code == "110101000000"


def test_every_loaded_region_has_its_parent(db):
    services.load_national(prefix="110101")
    codes = set(Region.objects.values_list("code", flat=True))
    parents = set(Region.objects.exclude(parent_code="").values_list("parent_code", flat=True))
    assert parents <= codes


@pytest.mark.parametrize("prefix", ["4305x", "43052", "4305270000001"])
def test_malformed_prefixes_are_refused(db, prefix):
    with pytest.raises(DomainError, match="2、4、6、9或12位"):
        services.load_national(prefix=prefix)


def test_prefix_without_data_is_refused_and_writes_nothing(db):
    before = (Region.objects.count(), ChangeLog.objects.count())
    with pytest.raises(DomainError, match="没有代码以 439999 开头"):
        services.load_national(prefix="439999")
    assert (Region.objects.count(), ChangeLog.objects.count()) == before


def test_ancestor_codes():
    assert services.ancestor_codes("430527100201") == [
        "430000000000",
        "430500000000",
        "430527000000",
        "430527100000",
    ]
    assert services.ancestor_codes("430527000000") == ["430000000000", "430500000000"]
    assert services.ancestor_codes("430000000000") == []


# --- corrections ------------------------------------------------------------------------------------------


def correction(
    code: str, kind: str, name: str = "", parent_code: str = "", replaced_by: str = "", note: str = ""
):
    return {
        "code": code,
        "kind": kind,
        "name": name,
        "parent_code": parent_code,
        "replaced_by": replaced_by,
        "note": note,
    }


@pytest.fixture
def corrected(places):
    new_village = places.township_a[:9] + "999"
    rows = [
        correction(places.village_a1, "更名", "幸福村", note="2024年更名"),
        correction(new_village, "新增", "新建社区", parent_code=places.township_a),
        correction(places.village_a2, "撤销", replaced_by=places.village_a1),
    ]
    done = services.import_corrections(actor=None, rows=rows)
    return places, new_village, done


def test_corrections_rename_add_and_retire(corrected):
    places, new_village, done = corrected
    assert [c.kind for c in done] == ["rename", "add", "retire"]
    renamed = Region.objects.get(code=places.village_a1)
    assert renamed.name == "幸福村"
    assert renamed.national_name != "幸福村"
    added = Region.objects.get(code=new_village)
    assert (added.name, added.level, added.parent_code, added.source) == (
        "新建社区",
        RegionLevel.VILLAGE,
        places.township_a,
        RegionSource.LOCAL,
    )
    retired = Region.objects.get(code=places.village_a2)
    assert retired.retired and retired.replaced_by == places.village_a1
    assert ChangeLog.objects.filter(target_type="regions.regioncorrection").count() == 3


def test_corrections_survive_a_national_reload(corrected):
    places, new_village, _ = corrected
    services.load_national(prefix="430527")
    assert Region.objects.get(code=places.village_a1).name == "幸福村"
    assert Region.objects.get(code=new_village).name == "新建社区"
    assert Region.objects.get(code=places.village_a2).retired


def test_retired_village_leaves_the_pick_lists_but_keeps_its_row(corrected):
    places, new_village, _ = corrected
    children = set(selectors.region_children(places.township_a).values_list("code", flat=True))
    assert places.village_a2 not in children
    assert {places.village_a1, new_village} <= children
    assert selectors.region_get(places.village_a2) is not None


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (correction("43052710020", "更名", "短码村"), "code"),
        (correction("430527100001", "改名", "某村"), "kind"),
        (correction("430527999999", "更名", "无此村"), "code"),
        (correction("430527100001", "新增", "已有村", parent_code="430527100000"), "code"),
        (correction("430527100998", "新增", "孤儿村", parent_code="430527999000"), "parent_code"),
        (correction("430527100001", "撤销", replaced_by="430527999999"), "replaced_by"),
        (correction("430527100001", "更名", "<b>村</b>"), "name"),
        (correction("430527100001", "更名", ""), "name"),
    ],
    ids=[
        "short-code",
        "unknown-kind",
        "unknown-code",
        "add-existing",
        "unknown-parent",
        "unknown-merge",
        "html",
        "no-name",
    ],
)
def test_one_bad_correction_writes_nothing_and_names_its_line(places, bad, field):
    good = correction(places.village_a1, "更名", "幸福村")
    before = (
        Region.objects.get(code=places.village_a1).name,
        RegionCorrection.objects.count(),
        ChangeLog.objects.count(),
    )
    with pytest.raises(DomainError) as info:
        services.import_corrections(actor=None, rows=[good, good | {"name": "二次更名"}, bad])
    assert [e.field for e in info.value.errors] == [f"第4行.{field}"]
    after = (
        Region.objects.get(code=places.village_a1).name,
        RegionCorrection.objects.count(),
        ChangeLog.objects.count(),
    )
    assert after == before


def test_corrections_outside_the_actors_jurisdiction_are_refused(make_staff, places):
    admin = make_staff(Role.ADMINISTRATOR, places.township_a)
    with pytest.raises(DomainError, match="不在您的辖区内"):
        services.import_corrections(actor=admin, rows=[correction(places.village_b1, "更名", "外村")])
    assert Region.objects.get(code=places.village_b1).name != "外村"
    services.import_corrections(actor=admin, rows=[correction(places.village_a1, "更名", "本村")])
    assert Region.objects.get(code=places.village_a1).name == "本村"
    assert RegionCorrection.objects.get().imported_by == admin.username


def test_parse_corrections_accepts_a_bom_and_names_missing_columns():
    rows = services.parse_corrections("\ufeffcode,kind,name\n430527100001,更名, 幸福村 \n")
    assert rows == [correction("430527100001", "更名", "幸福村")]
    with pytest.raises(DomainError, match="缺少列：kind、name"):
        services.parse_corrections("code\n430527100001\n")


# --- selectors --------------------------------------------------------------------------------------------


def test_region_within_hides_regions_outside_the_jurisdiction(make_staff, places):
    officer = make_staff(Role.TOWNSHIP_OFFICER, places.township_a)
    assert selectors.region_within(actor=officer, code=places.village_a1) is not None
    assert selectors.region_within(actor=officer, code=places.village_b1) is None
    assert selectors.region_within(actor=officer, code=places.county) is None
    villages = set(selectors.villages_within(officer).values_list("code", flat=True))
    assert places.village_a1 in villages and places.village_b1 not in villages


def test_region_path_and_full_name(places):
    path = selectors.region_path(places.village_a1)
    assert [r.level for r in path] == [1, 2, 3, 4, 5]
    assert path[0].name == "湖南省" and path[2].name == "绥宁县"
    assert selectors.full_name(places.village_a1) == f"{path[3].name} / {path[4].name}"


def test_shipped_national_tree_has_every_level_of_the_2023_codes():
    # The counts of ../shared/data/SOURCES.md (NBS 2023): 31 provinces, 342 prefectures, 2,978 counties,
    # 41,352 townships, 620,573 villages and communities; every row's parent is in the tree.
    from collections import Counter

    from openpes.regions.services import read_national

    rows = list(read_national())
    assert Counter(row.level for row in rows) == {1: 31, 2: 342, 3: 2978, 4: 41352, 5: 620573}
    codes = {row.code for row in rows}
    assert all(row.parent_code in codes for row in rows if row.level > 1)
