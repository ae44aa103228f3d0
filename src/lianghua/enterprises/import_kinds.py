"""The import kinds whose rows the enterprise registry owns: 企业名录, 企业年度数据, 认定（荣誉）,
数字化水平评定. Each is declared once here (columns, checks, writer); the imports app runs them
(imports/kinds.py, imports/validation.py). Also the lookups of enterprises by credit code that every
kind naming an enterprise shares (projects too).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import compress, count
from typing import NamedTuple

from lianghua.core.bulk import FETCH_CHUNK, chunks, existing_by_key, where_in
from lianghua.core.formatting import decimal_plain
from lianghua.imports.kinds import (
    BOOLEAN,
    CHOICE,
    CREDIT_CODE,
    DATE,
    DECIMAL,
    INTEGER,
    TEXT,
    Column,
    ImportKind,
    StoredChoices,
    choices_of,
    import_kind_declare,
)
from lianghua.imports.validation import (
    FAILED,
    YUAN_CHECK_HINT,
    Scope,
    Validation,
    duplicates_check,
    field_taker,
    new_row_required_check,
    region_check,
)

from .credit_code import credit_code_problem
from .models import Credential, CredentialKind, DigitalLevel, Enterprise, EnterpriseYear, Industry
from .services import (
    credentials_bulk_upsert,
    digital_levels_bulk_upsert,
    enterprise_years_bulk_upsert,
    enterprises_bulk_upsert,
)

# Unit slips: a figure typed in 元 where the column asks for 万元 is 10,000 times too large. This
# threshold lies far above any real value and far below the slipped one (docs/imports.md).
REVENUE_YUAN_SLIP_WAN = Decimal("100000000")  # an enterprise's yearly figure ≥ 1 万亿元
# Likely slips, below the threshold above: warnings (a real outlier must still import). No seed gives
# these numbers; we chose them. A real manufacturer's money per employee or per 亩 lies around 10^1–10^3
# 万元 and a figure typed in 元 is 10^4 times that, so the limits sit between the two.
MONEY_PER_EMPLOYEE_WARN_WAN = Decimal("10000")  # enterprise-year money per average employee (1亿元/人)
MONEY_PER_MU_WARN_WAN = Decimal("100000")  # enterprise-year money per 亩 of land (10亿元/亩)
YEAR_MONEY = ("revenue_wan", "value_added_wan", "tax_wan", "rd_wan")

CREDENTIAL_LEVELS = choices_of(Credential.Level.choices)


def _year_money(field_name: str, header: str, **kwargs) -> Column:
    return Column(field_name, header, DECIMAL, unit="万元", minimum="0", slip_at=REVENUE_YUAN_SLIP_WAN, **kwargs)


CREDIT = Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, width=22,
                note="须为已导入的企业（先导入“企业名录”）")


def _credential_kinds_shown() -> dict[str, str]:
    return {kind.name: str(kind.pk) for kind in CredentialKind.objects.filter(disabled_on__isnull=True)}


def _credential_kind_codes() -> dict[str, str]:
    return {kind.code: str(kind.pk) for kind in CredentialKind.objects.filter(disabled_on__isnull=True)}


CREDENTIAL_KIND_CHOICES = StoredChoices(shown=_credential_kinds_shown, also=_credential_kind_codes,
                                        described="认定类型名称（data/reference/credential_kinds.csv）")


# ----------------------------------------------------------------------------------------------------
# Lookups shared by the kinds that name an enterprise

class EnterpriseRef(NamedTuple):  # a tuple: 100,000 of them are built per file
    id: int
    region_path: str


def enterprises_by_credit_code(codes: Iterable[str]) -> dict[str, EnterpriseRef]:
    found = {}
    for chunk in chunks(sorted(set(codes)), FETCH_CHUNK):
        for code, pk, path in where_in(Enterprise.objects.all(), Enterprise, "credit_code", chunk).values_list(
                "credit_code", "id", "region__path"):
            found[code] = EnterpriseRef(pk, path)
    return found


def credit_code_check(record: dict, result: Validation, header: str = "统一社会信用代码") -> str | None:
    """The row's credit code when well-formed; otherwise an error and None."""
    if "credit_code" in record["_bad"]:
        return None
    code = record.get("credit_code")
    if code is None:
        return None
    problem = credit_code_problem(code)
    if problem:
        result.error(record["_row"], header, f"“{code}”{problem}")
        record["_bad"] = record["_bad"] | {"credit_code"}
        return None
    return code


def enterprise_verdicts(records: list[dict], scope: Scope) -> dict[str, EnterpriseRef | str]:
    """For each credit code the rows name: the stored, in-scope enterprise, or why not (the error of
    the 统一社会信用代码 column). Worked out once per code: a file of yearly figures names each
    enterprise several times."""
    codes = {r["credit_code"] for r in records if r.get("credit_code")}
    problems = {code: problem for code in codes if (problem := credit_code_problem(code))}
    known = enterprises_by_credit_code(codes - problems.keys())
    verdicts: dict[str, EnterpriseRef | str] = {}
    for code in codes:
        ref = known.get(code)
        if code in problems:
            verdicts[code] = f"“{code}”{problems[code]}"
        elif ref is None or not scope.allows(ref.region_path):
            verdicts[code] = scope.not_found(f"统一社会信用代码为“{code}”的企业（请先导入企业名录）")
        else:
            verdicts[code] = ref
    return verdicts


def enterprise_resolve(record: dict, verdicts: dict[str, EnterpriseRef | str],
                       result: Validation) -> EnterpriseRef | None:
    """The stored, in-scope enterprise the row's credit code names (years, credentials, levels, projects);
    otherwise the row's error and None."""
    code = record.get("credit_code")
    if code is None or "credit_code" in record["_bad"]:
        return None
    verdict = verdicts[code]
    if type(verdict) is str:
        result.error(record["_row"], "统一社会信用代码", verdict)
        return None
    return verdict



def industries_lookup() -> dict[str, int]:
    table: dict[str, int] = {}
    for pk, code, name in Industry.objects.filter(disabled_on__isnull=True).values_list("id", "code", "name"):
        table[code.upper()] = pk
        table[code.upper().removeprefix("C")] = pk
        table[name] = pk
        table[f"{code} {name}".upper()] = pk
    return table



# ----------------------------------------------------------------------------------------------------
# The checks

YEAR_MONEY_DIVISORS = (  # (field, limit in 万元 per unit, unit)
    ("employees", MONEY_PER_EMPLOYEE_WARN_WAN, "人"),
    ("land_mu", MONEY_PER_MU_WARN_WAN, "亩"),
)


def year_money_per_unit_check(kind: ImportKind, columns: dict[str, list], extremes: dict[str, tuple],
                              numbers: list[int], result: "Validation") -> None:
    """Enterprise-year money per employee and per 亩 beyond any real manufacturer: a warning at the
    figure. A money column is looked at only when its greatest value reaches the limit times the least
    divisor in the file; then the figures that reach it are picked in C and only those are divided."""
    divisors = []  # (values, limit, unit, the least figure that can reach the limit)
    for name, limit, unit in YEAR_MONEY_DIVISORS:
        if name not in extremes:
            continue
        values, least = columns[name], extremes[name][0]
        if least <= 0:  # 0 人 or 0 亩 says nothing about the money: the least above it
            least = min((v for v in values if v is not None and v is not FAILED and v > 0), default=None)
            if least is None:
                continue
        divisors.append((values, limit, unit, limit * least))
    for name in YEAR_MONEY:
        if name not in extremes:
            continue
        values, slip, header = columns[name], kind.column(name).slip_at, kind.column(name).header
        measures: dict[int, list[str]] = defaultdict(list)  # position -> 每人…万元, 每亩…万元
        for divisor_values, limit, unit, reach in divisors:
            if extremes[name][1] < reach:
                continue
            # reach <= None or <= a failed cell is NotImplemented, which counts as true: checked next.
            for position in [p for p in compress(count(), map(reach.__le__, values))
                             if (v := values[p]) is not None and v is not FAILED and v < slip
                             and (d := divisor_values[p]) is not None and d is not FAILED and d > 0 and v >= limit * d]:
                measures[position].append(f"每{unit}{values[position] / divisor_values[position]:.0f}万元")
        for position in sorted(measures):
            result.warn(numbers[position], header, f"{decimal_plain(values[position])}万元折合{'、'.join(measures[position])}，"
                                                   f"远超实际企业水平，{YUAN_CHECK_HINT}")



# The kinds

# The enterprise list's export (enterprises/views.py) beside the import's columns, for reading.
ENTERPRISE_EXPORT_ONLY = ("区划代码", "行业名称", "年度", "是否规上", "营业收入(万元)", "项目数")

# A row that would create what already exists outside the user's region: refused without saying whose.
OUTSIDE_SCOPE_CREDIT_CODE = "该统一社会信用代码已在您管辖范围以外登记，不能在此导入"


def enterprises_check(kind, records, scope, result):
    industries = industries_lookup()
    known = enterprises_by_credit_code(r["credit_code"] for r in records if r.get("credit_code"))
    duplicates_check(kind, records, lambda r: (r["credit_code"],) if r.get("credit_code") else None, result)
    for record in records:
        number = record["_row"]
        code = credit_code_check(record, result)
        existing = known.get(code) if code else None
        if existing is None:
            new_row_required_check(kind, record, result)
        region = region_check(record, scope, result)
        industry_id = None
        if record.get("industry") is not None:
            industry_id = industries.get(record["industry"].upper())
            if industry_id is None:
                result.error(number, "行业代码", f"未知行业代码“{record['industry']}”（应为 GB/T 4754 制造业大类，如 C34）")
        if existing is not None and not scope.allows(existing.region_path):
            result.error(number, "统一社会信用代码", OUTSIDE_SCOPE_CREDIT_CODE)
        if code and not record["_bad"]:
            row = {"credit_code": code}
            if "name" in record:
                row["name"] = record["name"]
            if region is not None:
                row["region_id"] = region.pk
            if "industry" in record:  # None: 清空
                row["industry_id"] = industry_id
            for name in ("contact_person", "contact_phone", "address"):
                if name in record:
                    row[name] = record[name] or ""
            if "production_started_on" in record:
                row["production_started_on"] = record["production_started_on"]
            result.row_add(number, row)


YEAR_FIGURES = ("revenue_wan", "value_added_wan", "tax_wan", "employees", "land_mu", "energy_tce", "rd_wan",
                "electricity_wan_kwh", "co2_t", "pollutant_t", "coal_t", "natural_gas_wan_m3", "diesel_t", "heat_gj")


def enterprise_years_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    duplicates_check(kind, records, lambda r: (r["credit_code"], r["year"])
                     if r.get("credit_code") and r.get("year") else None, result)
    figures = field_taker(YEAR_FIGURES, result.fields)
    flags = [flag for flag in ("is_above_scale", "is_key_energy") if flag in result.fields]
    for record in records:
        ref = enterprise_resolve(record, verdicts, result)
        if ref is None or record.get("year") is None or record["_bad"]:
            continue
        row = figures(record)
        row["enterprise_id"], row["year"] = ref.id, record["year"]
        for flag in flags:
            if flag in record:
                row[flag] = bool(record[flag])  # 清空: 否
        result.row_add(record["_row"], row)


def credentials_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    # 名称/编号 is part of the key: a file without the column (or a blank cell) names the one credential of
    # its kind and level, as before items existed.
    duplicates_check(kind, records, lambda r: (r["credit_code"], r["kind"], r["level"], r.get("item") or "")
                     if r.get("credit_code") and r.get("kind") and r.get("level") else None, result)
    resolved = [(record, enterprise_resolve(record, verdicts, result)) for record in records]
    stored = existing_by_key(Credential, ("enterprise_id", "kind_id", "level", "item"),
                            [(ref.id, int(r["kind"]), r["level"], r.get("item") or "") for r, ref in resolved
                             if ref is not None and not r["_bad"] & {"kind", "level"}],
                            ["enterprise_id", "kind_id", "level", "item", "granted_on", "ends_on"])
    for record, ref in resolved:
        if ref is None or record["_bad"] & {"kind", "level"}:
            continue
        number = record["_row"]
        item = record.get("item") or ""
        current = stored.get((ref.id, int(record["kind"]), record["level"], item))
        if current is None and not new_row_required_check(kind, record, result):
            continue
        granted = record.get("granted_on", current and current["granted_on"])
        ends = record.get("ends_on", current and current["ends_on"])
        if granted and ends and ends < granted:
            result.error(number, "到期/撤销日期", f"到期/撤销日期早于认定日期（{granted.isoformat()}）")
            continue
        if record["_bad"]:
            continue
        row = {"enterprise_id": ref.id, "kind_id": int(record["kind"]), "level": record["level"], "item": item}
        for name in ("granted_on", "ends_on"):
            if name in record:
                row[name] = record[name]
        if "note" in record:
            row["note"] = record["note"] or ""
        result.row_add(number, row)


def digital_levels_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    duplicates_check(kind, records, lambda r: (r["credit_code"], r["assessed_on"])
                     if r.get("credit_code") and r.get("assessed_on") else None, result)
    resolved = [(record, enterprise_resolve(record, verdicts, result)) for record in records]
    stored = existing_by_key(DigitalLevel, ("enterprise_id", "assessed_on"),
                            [(ref.id, r["assessed_on"]) for r, ref in resolved if ref is not None and "assessed_on" in r],
                            ["enterprise_id", "assessed_on"])
    for record, ref in resolved:
        level = record.get("level")
        if level is not None and level != level.quantize(Decimal("0.1")):
            result.error(record["_row"], "数字化水平", f"最多保留一位小数（填的是{level}）")
            continue
        if ref is None or "assessed_on" not in record:
            continue
        if (ref.id, record["assessed_on"]) not in stored and not new_row_required_check(kind, record, result):
            continue
        if record["_bad"] or level is None:  # a blank level on a stored assessment: nothing to change
            continue
        result.row_add(record["_row"], {"enterprise_id": ref.id, "level": level,
                                        "assessed_on": record["assessed_on"], "source": "import"})




# ----------------------------------------------------------------------------------------------------
# The kinds

ENTERPRISES = import_kind_declare(ImportKind(
    "enterprises", "企业名录", 10,
    (
        Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22,
               note="按 GB 32100 校验位检查"),
        Column("name", "企业名称", TEXT, required=True, max_length=128, width=34),
        Column("region", "所属区域", TEXT, required=True, width=16, stored="region_id",
               note="区划代码、名称或简称（如 330424001、武原街道、武原、开发区）；宜填到镇（街道）"),
        Column("industry", "行业代码", TEXT, width=12, stored="industry_id",
               note="GB/T 4754-2017 制造业大类，如 C34（也可填 34 或大类名称）"),
        Column("contact_person", "联系人", TEXT, max_length=32, width=10),
        Column("contact_phone", "联系电话", TEXT, max_length=32, width=14),
        Column("address", "地址", TEXT, max_length=200, width=30),
        Column("production_started_on", "投产日期", DATE, width=12,
               note="投产不满两年的企业在亩均效益评价中单列、不排名"),
    ),
    "统一社会信用代码",
    read_only_headers=ENTERPRISE_EXPORT_ONLY,
    check=enterprises_check, write=enterprises_bulk_upsert, model=Enterprise,
))

ENTERPRISE_YEARS = import_kind_declare(ImportKind(
    "enterprise-years", "企业年度数据", 20,
    (
        Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22, note=CREDIT.note),
        Column("year", "年度", INTEGER, required=True, key=True, minimum="2000", maximum="2100", width=8),
        Column("is_above_scale", "是否规上", BOOLEAN, note="主营业务收入2000万元及以上为规上", width=10),
        Column("is_key_energy", "是否重点用能", BOOLEAN, width=12),
        _year_money("revenue_wan", "营业收入(万元)"),
        _year_money("value_added_wan", "工业增加值(万元)", width=16),
        _year_money("tax_wan", "税收(万元)"),
        Column("employees", "年均职工人数", INTEGER, unit="人", minimum="0", width=12),
        Column("land_mu", "用地面积(亩)", DECIMAL, unit="亩", minimum="0"),
        Column("energy_tce", "综合能耗(吨标准煤)", DECIMAL, unit="吨标准煤", minimum="0", width=18, note="等价值"),
        _year_money("rd_wan", "研发经费(万元)"),
        Column("electricity_wan_kwh", "用电量(万千瓦时)", DECIMAL, unit="万千瓦时", minimum="0", width=16),
        Column("co2_t", "二氧化碳排放(吨)", DECIMAL, unit="吨", minimum="0", width=16,
               note="能源活动的二氧化碳排放；不填时碳效评价按能耗和排放因子折算"),
        Column("pollutant_t", "主要污染物排放(吨)", DECIMAL, unit="吨", minimum="0", width=18,
               note="亩均效益评价“单位排放增加值”的分母"),
        Column("coal_t", "原煤消费量(吨)", DECIMAL, unit="吨", minimum="0", width=14),
        Column("natural_gas_wan_m3", "天然气消费量(万立方米)", DECIMAL, unit="万立方米", minimum="0", width=18),
        Column("diesel_t", "柴油消费量(吨)", DECIMAL, unit="吨", minimum="0", width=14),
        Column("heat_gj", "外购热力(吉焦)", DECIMAL, unit="吉焦", minimum="0", width=14),
    ),
    "统一社会信用代码 + 年度",
    check=enterprise_years_check, write=enterprise_years_bulk_upsert, model=EnterpriseYear, column_check=year_money_per_unit_check,
    slip_rules=((f"企业年度金额≥{REVENUE_YUAN_SLIP_WAN:,}万元",),
                (f"企业年度金额折合每名职工≥{MONEY_PER_EMPLOYEE_WARN_WAN:,}万元或每亩≥{MONEY_PER_MU_WARN_WAN:,}万元",)),
))

CREDENTIALS = import_kind_declare(ImportKind(
    "credentials", "认定（荣誉）", 30,
    (
        Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22, note=CREDIT.note),
        Column("kind", "认定类型", CHOICE, required=True, key=True, choices=CREDENTIAL_KIND_CHOICES, width=20,
               stored="kind_id"),
        Column("level", "级别", CHOICE, required=True, key=True, choices=CREDENTIAL_LEVELS, width=10),
        Column("item", "名称/编号", TEXT, key=True, max_length=200, width=24,
               note="同一企业同类型、同级别有多项时填写（车间名称、产品名称或证书编号）；只有一项可不填"),
        Column("granted_on", "认定日期", DATE, required=True, width=12),
        Column("ends_on", "到期/撤销日期", DATE, width=14, note="认定到期或被撤销的日期；有效中的认定不填"),
        Column("note", "备注", TEXT, max_length=200, width=30),
    ),
    "统一社会信用代码 + 认定类型 + 级别 + 名称/编号",
    note="同一认定升级（如市级升为省级）另起一行；同一企业有多个数字化车间、首台（套）产品等，每项一行并填写名称/编号。",
    check=credentials_check, write=credentials_bulk_upsert, model=Credential,
))

DIGITAL_LEVELS = import_kind_declare(ImportKind(
    "digital-levels", "数字化水平评定", 40,
    (
        Column("credit_code", "统一社会信用代码", CREDIT_CODE, required=True, key=True, width=22, note=CREDIT.note),
        Column("level", "数字化水平", DECIMAL, required=True, minimum="1.0", maximum="4.0", width=12,
               note="1.0–4.0，保留一位小数"),
        Column("assessed_on", "评定日期", DATE, required=True, key=True, width=12),
    ),
    "统一社会信用代码 + 评定日期",
    check=digital_levels_check, write=digital_levels_bulk_upsert, model=DigitalLevel,
))
