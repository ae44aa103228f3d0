"""The policy set in force for this installation: the data files plus the administrator's settings.

Compiled once and reused while neither the files nor the PolicySetting rows change (the cache key is
the files' modification times and the settings' last change), so a request never re-parses YAML.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from lianghua.rulebook.parameters import DocumentSet

from .engine import DEFAULT_POLICY_DIR, load_policy_set
from .models import PolicySetting

_cache: dict[str, Any] = {"key": None, "policy_set": None}


def policy_settings() -> dict[str, object]:
    return {row.name: row.value for row in PolicySetting.objects.all()}


def policy_set_current() -> DocumentSet:
    files = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in DEFAULT_POLICY_DIR.glob("*.yaml")))
    settings_state = PolicySetting.objects.aggregate(last=Max("set_at"), n=Max("id"))
    key = (files, settings_state["last"], settings_state["n"], PolicySetting.objects.count())
    if _cache["key"] != key:
        _cache["policy_set"] = load_policy_set(settings=policy_settings())
        _cache["key"] = key
    policy_set: DocumentSet = _cache["policy_set"]
    return policy_set


def document_titles() -> dict[str, tuple[str, str]]:
    """Each document's seed number and title by its id, for texts shown to officers. Titles do not depend
    on the settings, so the compiled set already in memory is used (no query per text on a result page)."""
    policy_set: DocumentSet = _cache["policy_set"] or policy_set_current()
    return {doc.id: (doc.short, doc.title) for doc in policy_set.documents.values()}
