"""The evaluation methods in force for a region: the data files (data/evaluations/*.yaml) on the rulebook,
with the settings of the region and of the regions above it (the nearest wins: a county's own value
over its city's). Compiled once per distinct set of settings and reused while neither the files nor
the settings change."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, Max

from lianghua.regions.models import Region
from lianghua.rulebook.parameters import Document, DocumentSet, documents_load

from .carbon import CarbonMethod, carbon_method_read
from .models import MethodSetting
from .mujun import MujunMethod, method_read

EVALUATION_DIR = Path(
    os.environ.get("LIANGHUA_EVALUATION_DIR", Path(__file__).resolve().parents[3] / "data" / "evaluations")
)
MUJUN_DOCUMENT = "mujun-zhejiang"
CARBON_DOCUMENT = "carbon-zhejiang"
FACTORS_DOCUMENT = "emission-factors"

_compiled: dict[Any, DocumentSet] = {}


def _ancestors(region: Region) -> list[str]:
    """The paths of `region` and every region above it, the top first."""
    parts = region.path.strip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def method_settings(region: Region) -> dict[str, object]:
    """The settings in force for `region`: each parameter from the nearest region up the tree that set it."""
    rows = (MethodSetting.objects.filter(region__path__in=_ancestors(region))
            .order_by("region__depth").values_list("name", "value"))
    return dict(rows)  # deeper regions come later and win


def method_settings_sources(region: Region) -> dict[str, MethodSetting]:
    """parameter name → the setting that applies to `region` (with the region that set it)."""
    found: dict[str, MethodSetting] = {}
    for setting in (MethodSetting.objects.filter(region__path__in=_ancestors(region))
                    .select_related("region", "set_by").order_by("region__depth")):
        found[setting.name] = setting
    return found


def _files_state() -> tuple[tuple[str, int], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in EVALUATION_DIR.glob("*.yaml")))


def documents_for(region: Region) -> DocumentSet:
    settings = method_settings(region)
    state = MethodSetting.objects.aggregate(last=Max("set_at"), n=Count("id"))
    key = (_files_state(), state["last"], state["n"], tuple(sorted((k, repr(v)) for k, v in settings.items())))
    if key not in _compiled:
        if len(_compiled) > 256:  # one entry per distinct county method; a new settings state starts afresh
            _compiled.clear()
        _compiled[key] = documents_load(EVALUATION_DIR, settings)
    return _compiled[key]


_raw_files: dict[Any, dict[str, dict[str, Any]]] = {}


def _raw(document_id: str) -> dict[str, Any]:
    """A data file as written (what the rulebook does not compile: the class names), read once per state
    of the files."""
    state = _files_state()
    if state not in _raw_files:
        _raw_files.clear()
        _raw_files[state] = {raw["id"]: raw for raw in (yaml.safe_load(path.read_text(encoding="utf-8"))
                                                        for path in sorted(EVALUATION_DIR.glob("*.yaml")))}
    try:
        return _raw_files[state][document_id]
    except KeyError:
        raise LookupError(f"没有评价方法文件 {document_id}") from None


def mujun_document(region: Region) -> Document:
    return documents_for(region).documents[MUJUN_DOCUMENT]


def mujun_method(region: Region, year: int) -> MujunMethod:
    """The 亩均 method for `region`'s evaluation of `year` (parameters read at the year's end)."""
    return method_read(mujun_document(region), year, _raw(MUJUN_DOCUMENT).get("classes") or {})


def carbon_method(region: Region, year: int) -> CarbonMethod:
    """The 碳效 cuts and the emission factors for `region`'s evaluation of `year`."""
    documents = documents_for(region).documents
    return carbon_method_read(documents[CARBON_DOCUMENT], documents[FACTORS_DOCUMENT], year)
