"""All reference data in dependency order: what `lianghua init` and the test session load."""

from django.db import transaction

from lianghua.enterprises.reference import load_credential_kinds, load_industries
from lianghua.regions.reference import load_regions
from lianghua.targets.loaders import load_indicators, load_key_industries, load_plans


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    return {
        "regions": load_regions(),
        "industries": load_industries(),
        "credential_kinds": load_credential_kinds(),
        "key_industries": load_key_industries(),
        "indicators": load_indicators(),
        "plans": load_plans(),
    }
