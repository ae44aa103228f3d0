"""Load industries and credential kinds from data/reference/ (idempotent)."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import CredentialKind, Industry


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_industries(path: Path | None = None) -> int:
    rows = _read(path or settings.DATA_DIR / "reference" / "industries-gbt4754.csv")
    for order, row in enumerate(rows):
        Industry.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "order": order})
    return len(rows)


@transaction.atomic
def load_credential_kinds(path: Path | None = None) -> int:
    rows = _read(path or settings.DATA_DIR / "reference" / "credential_kinds.csv")
    for row in rows:
        CredentialKind.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "category": row["category"], "order": int(row["order"]),
                      "source": row["source"][:200]},
        )
    return len(rows)
