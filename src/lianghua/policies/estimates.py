"""Budget estimate: what every project and credential of a region would receive in a year, by rule
and by town. A planning figure from registry facts only: rules needing facts the registry lacks (the
综合评价 grade, 003's quality finding) pay nothing here and are counted as such."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from lianghua.enterprises.models import Credential
from lianghua.projects.models import Project
from lianghua.regions.models import Region
from lianghua.regions.selectors import subtree_regions
from lianghua.rulebook.evaluation import fmt
from lianghua.rulebook.parameters import DocumentSet

from .engine import RULES_BY_ID, evaluate_cases
from .facts import CREDENTIAL_KIND_TO_ENGINE, credential_facts, project_facts, project_matter_date
from .rules import policy_set_current

ZERO = Decimal(0)


@dataclass
class BudgetEstimate:
    region: Region
    year: int
    rule_version: str
    towns: list[tuple[str, str]] = field(default_factory=list)  # (code, name), in tree order
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule id, title)
    amounts: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (rule, town code) -> 万元
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    details: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    unpaid_cases: int = 0

    def rule_total(self, rule: str) -> Decimal:
        return sum((v for (r, _), v in self.amounts.items() if r == rule), ZERO)

    def town_total(self, town: str) -> Decimal:
        return sum((v for (_, t), v in self.amounts.items() if t == town), ZERO)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    def as_json(self) -> dict[str, Any]:
        return {
            "region": {"code": self.region.code, "name": self.region.name},
            "year": self.year,
            "rule_version": self.rule_version,
            "total": fmt(self.total),
            "by_rule": [
                {
                    "rule": rule,
                    "title": title,
                    "total": fmt(self.rule_total(rule)),
                    "towns": {
                        code: {"count": self.counts[(rule, code)], "amount": fmt(self.amounts[(rule, code)])}
                        for code, _ in self.towns
                        if (rule, code) in self.amounts
                    },
                }
                for rule, title in self.rules
            ],
            "by_town": [
                {"code": code, "name": name, "total": fmt(self.town_total(code))} for code, name in self.towns
            ],
            "cases": self.details,
            "unpaid_cases": self.unpaid_cases,
            "errors": self.errors,
            "assumptions": self.assumptions,
        }


def budget_estimate(*, region: Region, year: int, policy_set: DocumentSet | None = None) -> BudgetEstimate:
    policy_set = policy_set or policy_set_current()
    in_region = Q(enterprise__region__in=subtree_regions(region))
    dated_in_year = (
        Q(accepted_on__year=year)
        | Q(accepted_on__isnull=True, actual_end__year=year)
        | Q(accepted_on__isnull=True, actual_end__isnull=True, planned_end__year=year)
    )
    projects = (
        Project.objects.filter(in_region & dated_in_year)
        .exclude(stage="terminated")
        .select_related("enterprise", "enterprise__region")
        .order_by("code")
    )
    credentials = (
        Credential.objects.filter(
            in_region, granted_on__year=year, kind__code__in=list(CREDENTIAL_KIND_TO_ENGINE)
        )
        .select_related("enterprise", "enterprise__region", "kind")
        .order_by("enterprise_id", "granted_on")
    )
    subjects: dict[str, tuple[str, str, Any]] = {}  # case id -> (kind label, name, enterprise)
    raw_cases: list[dict[str, Any]] = []
    for project in projects.iterator(chunk_size=2000):
        case_id = f"项目 {project.code}"
        subjects[case_id] = ("项目", project.name, project.enterprise)
        raw_cases.append(
            {"id": case_id, "date": project_matter_date(project), "facts": project_facts(project)}
        )
    for credential in credentials.iterator(chunk_size=2000):
        case_id = f"认定 {credential.pk}"
        subjects[case_id] = (
            "认定",
            f"{credential.kind.name}（{credential.get_level_display()}）",
            credential.enterprise,
        )
        raw_cases.append(
            {"id": case_id, "date": credential.granted_on, "facts": credential_facts(credential)}
        )

    batch = evaluate_cases(policy_set, raw_cases)
    estimate = BudgetEstimate(region=region, year=year, rule_version=batch.rule_version)
    estimate.errors = [str(error) for error in batch.errors]
    towns: dict[str, Region] = {}
    assumptions: set[str] = set()
    for result in batch.results:
        kind, name, enterprise = subjects[result["id"]]
        town = enterprise.region
        towns[town.code] = town
        assumptions.update(result["assumptions"])
        if not result["awards"]:
            estimate.unpaid_cases += 1
        for award in result["awards"]:
            key = (award["rule"], town.code)
            estimate.amounts[key] = estimate.amounts.get(key, ZERO) + award["amount"]
            estimate.counts[key] = estimate.counts.get(key, 0) + 1
        estimate.details.append(
            {
                "case": result["id"],
                "kind": kind,
                "name": name,
                "enterprise": enterprise.name,
                "town": town.name,
                "date": result["date"],
                "total": fmt(result["total"]),
                "awards": [
                    {"rule": a["rule"], "amount": fmt(a["amount"]), "explanation": a["explanation"]}
                    for a in result["awards"]
                ],
                "warnings": result["warnings"],
            }
        )
    estimate.towns = [(t.code, t.name) for t in sorted(towns.values(), key=lambda t: (t.path, t.order))]
    used = {rule for rule, _ in estimate.amounts}
    estimate.rules = [(rule.id, rule.title) for rule in RULES_BY_ID.values() if rule.id in used]
    estimate.assumptions = sorted(assumptions)
    return estimate


def budget_estimate_xlsx(estimate: BudgetEstimate) -> bytes:
    """The budget table (rules × towns, 万元), the per-case detail and the notes, as an xlsx workbook."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    money = book.add_format({"num_format": "#,##0.0000", "border": 1})
    money_bold = book.add_format({"num_format": "#,##0.0000", "bold": True, "border": 1})
    cell = book.add_format({"border": 1})

    sheet = book.add_worksheet("按规则和镇")
    sheet.write(
        0,
        0,
        f"{estimate.region.name} {estimate.year}年奖补预算测算（万元），规则版本 {estimate.rule_version}",
    )
    header = ["规则", "名称", *[name for _, name in estimate.towns], "合计"]
    for col, text in enumerate(header):
        sheet.write(2, col, text, bold)
    for row, (rule, title) in enumerate(estimate.rules, start=3):
        sheet.write(row, 0, rule, cell)
        sheet.write(row, 1, title, cell)
        for col, (code, _) in enumerate(estimate.towns, start=2):
            sheet.write_number(row, col, float(estimate.amounts.get((rule, code), ZERO)), money)
        sheet.write_number(row, len(header) - 1, float(estimate.rule_total(rule)), money_bold)
    total_row = 3 + len(estimate.rules)
    sheet.write(total_row, 0, "合计", bold)
    sheet.write(total_row, 1, "", bold)
    for col, (code, _) in enumerate(estimate.towns, start=2):
        sheet.write_number(total_row, col, float(estimate.town_total(code)), money_bold)
    sheet.write_number(total_row, len(header) - 1, float(estimate.total), money_bold)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, len(header), 14)

    detail = book.add_worksheet("明细")
    columns = [
        "事项",
        "类型",
        "名称",
        "企业",
        "镇（街道）",
        "事项日期",
        "测算金额(万元)",
        "规则",
        "说明",
        "提示",
    ]
    for col, text in enumerate(columns):
        detail.write(0, col, text, bold)
    row = 1
    for item in estimate.details:
        awards = item["awards"] or [{"rule": "", "amount": "0", "explanation": ""}]
        for award in awards:
            values = [
                item["case"],
                item["kind"],
                item["name"],
                item["enterprise"],
                item["town"],
                item["date"],
            ]
            for col, value in enumerate(values):
                detail.write(row, col, value)
            detail.write_number(row, 6, float(Decimal(award["amount"])))
            detail.write(row, 7, award["rule"])
            detail.write(row, 8, award["explanation"])
            detail.write(row, 9, "；".join(item["warnings"]))
            row += 1
    detail.set_column(0, 5, 16)
    detail.set_column(8, 9, 60)

    notes = book.add_worksheet("说明")
    lines = [
        "本表按登记数据测算：项目以验收日期（无则竣工、计划竣工日期）所在年度计，认定以认定日期计。",
        "登记中没有的事实（智能化改造综合评价档次、003“高质量”认定等）未计入，相关规则不补助，实际额度可能更高。",
        f"未获任何补助的事项：{estimate.unpaid_cases} 个；数据有误未测算：{len(estimate.errors)} 个。",
        *estimate.assumptions,
        *estimate.errors,
    ]
    for index, line in enumerate(lines):
        notes.write(index, 0, line)
    notes.set_column(0, 0, 120)
    book.close()
    return buffer.getvalue()
