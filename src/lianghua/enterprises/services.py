"""Writes to the enterprise registry. Imports and the demo go through these; pages save single records
through `audit.editing.record_save` (and `credential_save` here, which derives the level's rank).

The `*_bulk_upsert` services take rows already validated (the import validator resolves regions,
industries and credit codes to ids and collects every problem first); each row is a dict of model
attnames holding the row's natural key. They write in bulk and leave one ChangeRecord per created or
changed row.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from lianghua.audit.bulk import UpsertResult, rows_upsert
from lianghua.audit.editing import record_save

from .models import Credential, DigitalLevel, Enterprise, EnterpriseYear

LEVEL_NAMES = dict(Credential.Level.choices)


@transaction.atomic
def enterprises_bulk_upsert(*, rows: Sequence[dict[str, Any]], by, import_batch=None) -> UpsertResult:
    """rows: credit_code, name, region_id, industry_id."""
    return rows_upsert(model=Enterprise, rows=rows, key=("credit_code",), by=by, import_batch=import_batch,
                       describe=lambda e: e["name"])


@transaction.atomic
def enterprise_years_bulk_upsert(*, rows: Sequence[dict[str, Any]], by, import_batch=None) -> UpsertResult:
    """rows: enterprise_id, year and any of the yearly figures."""
    return rows_upsert(model=EnterpriseYear, rows=rows, key=("enterprise_id", "year"), by=by,
                       import_batch=import_batch, describe=lambda y: f"企业{y['enterprise_id']} {y['year']}年")


def _credential_rank(credential: dict[str, Any]) -> None:
    credential["level_rank"] = Credential.LEVEL_RANK[credential["level"]]


@transaction.atomic
def credentials_bulk_upsert(*, rows: Sequence[dict[str, Any]], by, import_batch=None) -> UpsertResult:
    """rows: enterprise_id, kind_id, level, item (default "": the one credential of its kind and level),
    granted_on, note."""
    rows = [row if "item" in row else {**row, "item": ""} for row in rows]
    return rows_upsert(model=Credential, rows=rows, key=("enterprise_id", "kind_id", "level", "item"), by=by,
                       import_batch=import_batch, derive=_credential_rank, derived_fields=("level_rank",),
                       describe=lambda c: f"企业{c['enterprise_id']} {LEVEL_NAMES[c['level']]}认定{c['kind_id']}")


@transaction.atomic
def digital_levels_bulk_upsert(*, rows: Sequence[dict[str, Any]], by, import_batch=None) -> UpsertResult:
    """rows: enterprise_id, assessed_on, level, source."""
    return rows_upsert(model=DigitalLevel, rows=rows, key=("enterprise_id", "assessed_on"), by=by,
                       import_batch=import_batch,
                       describe=lambda d: f"企业{d['enterprise_id']} {d['assessed_on']} 数字化水平{d['level']}")


def credential_save(*, instance: Credential, values: dict[str, Any], by, version: int | None,
                    source: str) -> Credential:
    """Add, correct or end a credential from a page; its level's rank follows its level."""
    values = dict(values)
    if "level" in values:
        values["level_rank"] = Credential.LEVEL_RANK[values["level"]]
    saved = record_save(instance=instance, values=values, by=by, version=version, source=source,
                        subject=instance.enterprise)
    assert isinstance(saved, Credential)
    return saved
