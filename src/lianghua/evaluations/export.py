"""An evaluation's results as a text table and an Excel workbook, both from the plain result data
(selectors.result_data), so the command, the page's download and a kept version cannot disagree."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from lianghua.core.formatting import number, percent

from .mujun import GROUP_LABELS, INDICATORS, SHARES

INDICATOR_NAMES = {i.code: i.name for i in INDICATORS}


def indicator_codes(results: list[dict[str, Any]]) -> list[str]:
    """The indicators any result carries, in the method's order."""
    present = {item["code"] for result in results for item in result["indicators"]}
    return [i.code for i in INDICATORS if i.code in present]


def _item(result: dict[str, Any], code: str) -> dict[str, Any] | None:
    return next((item for item in result["indicators"] if item["code"] == code), None)


def table_rows(results: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    codes = indicator_codes(results)
    headers = ["分组", "排名", "档次", "企业", "统一社会信用代码", "综合得分",
               *[f"{INDICATOR_NAMES[c]}（值/得分）" for c in codes], "说明"]
    rows = []
    for result in results:
        cells = [result["group_label"], str(result["rank"] or ""),
                 f"{result['class']} {result['class_name']}" if result["class"] else "不排名",
                 result["name"], result["credit_code"], number(result["score"], 2)]
        for code in codes:
            item = _item(result, code)
            value = percent(item["value"], 2) if code in SHARES and item else number(item["value"], 2) if item else ""
            cells.append("" if item is None else f"{value} / {number(item['term'], 2)}")
        cells.append(result["reason"] or "；".join(i["note"] for i in result["indicators"] if i["note"]))
        rows.append(cells)
    return headers, rows


def _figure(text: str | None) -> float | None:
    return None if text is None else float(Decimal(text))


def mujun_workbook(*, title: str, results: list[dict[str, Any]], method: dict[str, Any]) -> bytes:
    """Sheets: one per group (figures in numeric cells), then the parameters used with their clauses."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1})
    wrap = book.add_format({"border": 1, "text_wrap": True})
    figure = book.add_format({"border": 1, "num_format": "#,##0.0000"})
    share = book.add_format({"border": 1, "num_format": "0.00%"})
    codes = indicator_codes(results)
    for group, label in GROUP_LABELS.items():
        members = [r for r in results if r["group"] == group]
        if not members:
            continue
        sheet = book.add_worksheet(label[:31])
        sheet.write(0, 0, f"{title} · {label}", bold)
        headers = ["排名", "档次", "档次名称", "企业名称", "统一社会信用代码", "所属区域", "综合得分"]
        for code in codes:
            headers += [f"{INDICATOR_NAMES[code]}", f"{INDICATOR_NAMES[code]}基准值", f"{INDICATOR_NAMES[code]}得分"]
        headers.append("说明")
        sheet.write_row(2, 0, headers, head)
        for row, result in enumerate(members, start=3):
            values: list[Any] = [result["rank"], result["class"] or "", result["class_name"], result["name"],
                                 result["credit_code"], result["region"], _figure(result["score"])]
            share_columns = set()
            for code in codes:
                item = _item(result, code) or {}
                if code in SHARES:
                    share_columns |= {len(values), len(values) + 1}
                values += [_figure(item.get("value")), _figure(item.get("benchmark")), _figure(item.get("term"))]
            values.append(result["reason"] or "；".join(i["note"] for i in result["indicators"] if i["note"]))
            for col, value in enumerate(values):
                if isinstance(value, float):
                    sheet.write_number(row, col, value, share if col in share_columns else figure)
                elif value is None:
                    sheet.write_blank(row, col, None, cell)
                else:
                    sheet.write(row, col, value, wrap if col == len(values) - 1 else cell)
        sheet.set_column(0, 2, 8)
        sheet.set_column(3, 3, 30)
        sheet.set_column(4, 5, 20)
        sheet.set_column(6, 6 + 3 * len(codes), 12)
        sheet.set_column(7 + 3 * len(codes), 7 + 3 * len(codes), 40)
        sheet.freeze_panes(3, 4)
    _parameters_sheet(book, title, method, book.add_format({"bold": True, "font_size": 13}), head)
    book.close()
    return buffer.getvalue()


CARBON_HEADERS = ["碳效等级", "碳效水平", "企业名称", "统一社会信用代码", "所属区域", "行业代码", "行业名称",
                  "二氧化碳排放(吨)", "排放来源", "单位增加值碳排放L(吨/万元)", "行业平均L(吨/万元)", "碳效值K", "说明"]


def _parameters_sheet(book: Any, title: str, method: dict[str, Any], bold: Any, head: Any) -> None:
    wrap = book.add_format({"border": 1, "text_wrap": True})
    sheet = book.add_worksheet("评价参数")
    sheet.write(0, 0, f"{title} · 评价参数（生效日期与依据）", bold)
    sheet.write_row(2, 0, ["参数", "取值", "生效日期", "单位", "依据", "说明"], head)
    for row, parameter in enumerate(method["parameters"], start=3):
        value = parameter["value"]
        text = "未设置" if value is None else ("，".join(f"{INDICATOR_NAMES.get(k, k)}：{v}" for k, v in value.items())
                                              if isinstance(value, dict) else str(value))
        note = ("占位值：" + parameter["placeholder"]) if parameter.get("placeholder") else (
            f"本地设置（{parameter['local']}）" if parameter.get("local") else "")
        sheet.write_row(row, 0, [parameter.get("label", parameter["parameter"]), text, parameter["effective"] or "",
                                 parameter["unit"], parameter["clause"], note], wrap)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 3, 12)
    sheet.set_column(4, 5, 50)


def carbon_rows(results: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per enterprise, in CARBON_HEADERS' order; figures as numbers."""
    return [[r["grade_label"], r["band"] or "", r["name"], r["credit_code"], r["region"], r["industry"],
             r["industry_name"], _figure(r["co2"]), r["co2_source"], _figure(r["intensity"]),
             _figure(r["industry_intensity"]), _figure(r["k"]), r["reason"]] for r in results]


def carbon_workbook(*, title: str, results: list[dict[str, Any]], method: dict[str, Any]) -> bytes:
    """Sheets: the enterprises; the industries (average L, enterprises per grade); the parameters used."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1})
    figure = book.add_format({"border": 1, "num_format": "#,##0.0000"})
    sheet = book.add_worksheet("企业碳效")
    sheet.write(0, 0, title, bold)
    sheet.write_row(2, 0, CARBON_HEADERS, head)
    for row, values in enumerate(carbon_rows(results), start=3):
        for col, value in enumerate(values):
            if isinstance(value, float):
                sheet.write_number(row, col, value, figure)
            elif value is None:
                sheet.write_blank(row, col, None, cell)
            else:
                sheet.write(row, col, value, cell)
    sheet.set_column(0, 1, 9)
    sheet.set_column(2, 2, 30)
    sheet.set_column(3, 8, 16)
    sheet.set_column(9, 11, 14)
    sheet.set_column(12, 12, 36)
    sheet.freeze_panes(3, 3)
    industries = book.add_worksheet("分行业")
    industries.write(0, 0, f"{title} · 分行业", bold)
    industries.write_row(2, 0, ["行业代码", "行业名称", "参评企业", "行业平均L(吨/万元)", "1级", "2级", "3级", "4级", "5级"],
                         head)
    for row, item in enumerate(method.get("industries", []), start=3):
        industries.write_row(row, 0, [item["code"], item["name"], item["enterprises"]], cell)
        if item["intensity"] is not None:
            industries.write_number(row, 3, float(Decimal(item["intensity"])), figure)
        industries.write_row(row, 4, [item["grades"].get(str(g), 0) for g in range(1, 6)], cell)
    industries.set_column(1, 1, 30)
    _parameters_sheet(book, title, method, bold, head)
    book.close()
    return buffer.getvalue()
