"""Every indicator computation, declared once in the module of its family; data/indicators.yaml names
them by code. Progress (targets/progress.py), the records page (targets/records.py) and the indicator
loader (targets/loaders.py) read this one table."""

from ..computation import Computation
from . import activities, credentials, diagnoses, enterprise_years, inefficient, projects, reported, shares

COMPUTATIONS: dict[str, Computation] = {
    computation.code: computation
    for family in (projects, enterprise_years, credentials, activities, diagnoses, inefficient, reported, shares)
    for computation in family.COMPUTATIONS
}
