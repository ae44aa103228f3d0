"""Time the subsidy engine on 100,000 generated cases with explanations and traces on.

Run: python bench/bench_subsidy.py [--cases N] [--runs R]. Prints cases/s (median of the runs).
Validation of every case is included in the timing (evaluate_cases, as `lianghua subsidy calc` runs it).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lianghua.policies.engine import evaluate_cases, load_policy_set  # noqa: E402
from lianghua.policies.vocabulary import CATEGORIES  # noqa: E402

CREDENTIAL_LEVELS = {
    "future_factory_demo": ["provincial"],
    "green_factory": ["national", "provincial", "municipal", "county"],
    "tech_center": ["national", "provincial", "municipal"],
    "first_set": ["international", "domestic", "provincial", "municipal"],
    "green_design_product": ["national"],
    "standard_lead": ["international", "national"],
    "industrial_internet_platform": ["industry", "enterprise", "public_service"],
}


def generate_cases(count: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    first_day = date(2020, 1, 1)
    span = (date(2026, 6, 30) - first_day).days
    cases: list[dict[str, Any]] = []
    for number in range(count):
        day = first_day + timedelta(days=rng.randrange(span))
        roll = rng.random()
        if roll < 0.6:
            categories = rng.sample(CATEGORIES, rng.randint(1, 3))
            facts: dict[str, Any] = {
                "matter": "project",
                "categories": categories,
                "it_investment": rng.randint(0, 1200),
                "productive_investment": rng.randint(500, 12000),
                "equipment_investment": rng.randint(100, 8000),
                "investment": rng.randint(1000, 15000),
                "accepted": rng.random() < 0.8,
                "grade": rng.choice("ABCDE"),
                "third_party_verified": rng.random() < 0.8,
                "energy_saving_tce": rng.randint(0, 2000),
                "co2_reduction_t": rng.randint(0, 3000),
                "water_saving_t": rng.randint(0, 50000),
                "waste_utilization_rate": round(rng.random(), 2),
                "high_quality": rng.random() < 0.5,
                "completed_within_one_year": rng.random() < 0.7,
                "implementation_year": day.year,
            }
            if rng.random() < 0.2:
                facts["first_set_price"] = rng.randint(0, 100)
        elif roll < 0.85:
            credential = rng.choice(list(CREDENTIAL_LEVELS))
            facts = {
                "matter": "credential",
                "credential": credential,
                "level": rng.choice(CREDENTIAL_LEVELS[credential]),
            }
            if credential == "green_design_product":
                facts["count"] = rng.randint(1, 8)
        elif roll < 0.93:
            facts = {"matter": "service", "service": "diagnosis_implemented", "count": rng.randint(1, 20)}
        else:
            facts = {
                "matter": "finance",
                "finance": "first_set_insurance",
                "premium": rng.randint(1, 120),
                "insured_amount": rng.randint(100, 5000),
            }
        cases.append({"id": f"B{number:06d}", "date": day.isoformat(), "facts": facts})
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description="subsidy engine benchmark")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    policy_set = load_policy_set()
    raw_cases = generate_cases(args.cases)
    rates = []
    cpu_rates = []
    total = explained = 0
    for run in range(args.runs):
        gc.collect()  # start every run from the same heap: the previous run's results are dropped
        started = time.perf_counter()
        cpu_started = time.process_time()
        batch = evaluate_cases(policy_set, raw_cases)
        results = batch.results
        assert not batch.errors, batch.errors[:3]
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rates.append(len(results) / elapsed)
        cpu_rates.append(len(results) / cpu)
        total = sum(1 for r in results if r["awards"])
        print(
            f"run {run + 1}: {len(results)} cases in {elapsed:.2f}s wall = {rates[-1]:,.0f} cases/s"
            f" ({cpu_rates[-1]:,.0f} cases per CPU-second)"
        )
        explained = sum(1 for r in results if r["awards"] or r["not_applied"])
        del batch, results
    print(f"cases with an award: {total}; with an explanation: {explained}")
    print(f"median: {statistics.median(rates):,.0f} cases/s wall (explanations and traces on)")
    # On a shared, busy machine the wall figure mostly measures the neighbours; CPU time does not.
    print(f"median: {statistics.median(cpu_rates):,.0f} cases per CPU-second")


if __name__ == "__main__":
    main()
