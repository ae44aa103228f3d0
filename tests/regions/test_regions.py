from lianghua.regions.models import Region
from lianghua.regions.selectors import region_children, region_lookup_table, region_resolve, region_subtree


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
    assert region_subtree(haiyan).count() == 10


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
