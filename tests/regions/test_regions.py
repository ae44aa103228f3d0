from lianghua.regions.models import Region
from lianghua.regions.selectors import region_children, region_lookup_table, region_resolve


def test_zhejiang_tree_is_loaded_with_jiaxing_and_haiyan(db):
    assert Region.objects.filter(kind="county").count() == 90
    assert Region.objects.filter(kind="town").count() == 1387
    haiyan = Region.objects.get(code="330424")
    assert haiyan.path == "330000/330400/330424/"
    assert [r.code for r in region_children(haiyan)] == [
        "330424001", "330424002", "330424004", "330424005",
        "330424101", "330424102", "330424103", "330424105", "330424106",
    ]
    jiaxing_children = set(region_children(Region.objects.get(code="330400")).values_list("name", flat=True))
    assert {"南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市",
            "嘉兴经济技术开发区（国际商务区）", "嘉兴港区"} == jiaxing_children


def test_subtree_means_the_region_and_everything_below(db):
    haiyan = Region.objects.get(code="330424")
    assert Region.objects.filter(path__startswith=haiyan.path).count() == 10  # "region R" is its subtree


def test_seed_short_names_and_aliases_resolve_inside_the_home_region(db):
    assert region_resolve("武原").code == "330424001"
    # 330326401 in 平阳县 is literally named 开发区; inside 嘉兴 the seed's 开发区 is 海盐经济开发区 = 西塘桥街道.
    assert region_resolve("开发区").code == "330424002"
    assert region_resolve("海盐经济开发区").code == "330424002"
    assert region_resolve("海盐县").code == "330424"
    assert region_resolve("330424102").name == "百步镇"


def test_a_name_outside_the_home_region_still_resolves_and_a_missing_one_says_so(db):
    import pytest

    assert region_resolve("开发区", within=Region.objects.get(code="330326")).code == "330326401"
    with pytest.raises(Region.DoesNotExist, match="未知区域“火星镇”"):
        region_resolve("火星镇")


def test_lookup_table_maps_codes_everywhere_and_names_inside_the_home_region(db):
    table = region_lookup_table()
    assert table["开发区"].code == "330424002"
    assert table["330326401"].name == "开发区"
    assert table["通元"].code == "330424106"


def test_loading_twice_changes_nothing(db):
    from lianghua.regions.reference import load_regions

    assert load_regions() == 0


def test_county_and_city_short_names_resolve_and_the_higher_region_wins_a_shared_name(db):
    assert {name: region_resolve(name).code for name in ("南湖", "秀洲", "嘉善", "海宁", "平湖", "桐乡", "嘉兴")} == {
        "南湖": "330402", "秀洲": "330411", "嘉善": "330421", "海宁": "330481", "平湖": "330482",
        "桐乡": "330483", "嘉兴": "330400"}
    # 南湖街道 (330402010) lies inside 南湖区: its short name 南湖 means the district, its full name itself.
    assert region_resolve("南湖街道").code == "330402010"
    table = region_lookup_table()
    assert (table["南湖"].code, table["南湖街道"].code, table["海宁"].code) == ("330402", "330402010", "330481")


def test_a_name_two_regions_of_one_level_share_stays_ambiguous(db):
    import pytest

    # Two towns of Zhejiang called 城东街道, both outside the home region: the code is needed.
    towns = Region.objects.filter(name="城东街道", kind="town")
    assert towns.count() >= 2
    with pytest.raises(Region.DoesNotExist, match="不唯一"):
        region_resolve("城东街道")
    assert region_lookup_table(within=Region.objects.get(code="330000"))["城东街道"] is None
