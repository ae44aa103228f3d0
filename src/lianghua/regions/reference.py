"""Load the reporting tree from data/regions/ (idempotent: codes are the keys)."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Region

KIND_BY_LEVEL = {"province": "province", "city": "city", "county": "county", "town": "town", "zone": "zone"}
SOURCE_NBS = "国家统计局2023统计用区划代码"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# The name without its administrative suffix, as officials write it (海宁, 嘉兴, 武原); a name that would
# be left with one character (e.g. 沙县) keeps its suffix.
SHORT_NAME_SUFFIXES = {"province": ("省",), "city": ("市",), "county": ("县", "市", "区"), "town": ("街道", "镇", "乡")}


def _short_name(name: str, kind: str) -> str:
    for suffix in SHORT_NAME_SUFFIXES.get(kind, ()):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return ""


@transaction.atomic
def load_regions(directory: Path | None = None) -> int:
    """Upsert every region; returns how many rows were created or changed."""
    directory = directory or settings.DATA_DIR / "regions"
    rows: list[dict] = []
    for row in _read(directory / "zhejiang-divisions.csv"):
        kind = KIND_BY_LEVEL[row["level"]]
        rows.append({"code": row["code"], "name": row["name"], "kind": kind, "parent": row["parent_code"],
                     "short_name": _short_name(row["name"], kind), "aliases": [], "source": SOURCE_NBS})
    for row in _read(directory / "functional-zones.csv"):
        rows.append({"code": row["code"], "name": row["name"], "kind": row["kind"], "parent": row["parent_code"],
                     "short_name": row["short_name"], "aliases": [a for a in row["aliases"].split("|") if a],
                     "source": row["source"]})
    by_code = {r["code"]: r for r in rows}
    for row in _read(directory / "aliases.csv"):
        target = by_code[row["code"]]
        target["aliases"] = sorted({*target["aliases"], *(a for a in row["aliases"].split("|") if a)})

    existing = {r.code: r for r in Region.objects.all()}
    changed = 0
    # Parents before children: sort by the length of the code chain, computed from parent links.
    def depth(code: str) -> int:
        parent = by_code[code]["parent"]
        return 0 if not parent else 1 + depth(parent)

    for order, row in enumerate(sorted(rows, key=lambda r: (depth(r["code"]), r["code"]))):
        parent = existing.get(row["parent"]) if row["parent"] else None
        fields = {
            "name": row["name"], "short_name": row["short_name"], "aliases": row["aliases"], "kind": row["kind"],
            "parent": parent, "path": (parent.path if parent else "") + row["code"] + "/",
            "depth": parent.depth + 1 if parent else 0, "order": order, "source": row["source"][:200],
        }
        region = existing.get(row["code"])
        if region is None:
            region = Region.objects.create(code=row["code"], **fields)
            existing[row["code"]] = region
            changed += 1
        elif any(getattr(region, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(region, key, value)
            region.save()
            changed += 1
    return changed
