"""A bulletin as an Excel workbook: one sheet per part, figures in numeric cells (percentages formatted
as such), a title row with the cut-off on every sheet."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from lianghua.core.formatting import datetime_text

from .compose import Bulletin

BASIS = {"annual": "年度", "cumulative": "累计"}


def _figure(value: Decimal | None) -> float | None:
    # Excel stores doubles; the engine's figures carry at most 4 decimals.
    return None if value is None else float(value)


class _Sheets:
    def __init__(self, bulletin: Bulletin) -> None:
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.bulletin = bulletin
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.note = self.book.add_format({"font_color": "#555555"})
        self.head = self.book.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1, "text_wrap": True})
        self.text = self.book.add_format({"border": 1})
        self.wrap = self.book.add_format({"border": 1, "text_wrap": True})
        self.number = self.book.add_format({"border": 1, "num_format": "#,##0.00"})
        self.score = self.book.add_format({"border": 1, "num_format": "0.0000"})
        self.whole = self.book.add_format({"border": 1, "num_format": "0"})
        self.ratio = self.book.add_format({"border": 1, "num_format": "0.0%"})

    def sheet(self, name: str, headers: list[str], widths: list[int]) -> tuple[Any, int]:
        sheet = self.book.add_worksheet(name)
        sheet.write_string(0, 0, self.bulletin.title, self.title)
        sheet.write_string(1, 0, f"截至 {self.bulletin.as_of:%Y-%m-%d} · {self.bulletin.plan.name}", self.note)
        sheet.write_row(3, 0, headers, self.head)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(4, 1)
        return sheet, 4

    def cell(self, sheet: Any, row: int, column: int, value: Any, style: Any) -> None:
        if value is None or value == "":
            sheet.write_blank(row, column, None, self.text)
        elif isinstance(value, str):
            sheet.write_string(row, column, value, style)  # never write(): "=…" would become a formula
        else:
            sheet.write_number(row, column, value, style)

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def bulletin_workbook(bulletin: Bulletin) -> bytes:
    out = _Sheets(bulletin)

    sheet, r = out.sheet("赛马排名", ["排名", "区域", "综合得分", "计分目标数", "滞后目标数", "上期排名", "名次变化",
                                  "进度填报率", "及时率"], [6, 14, 10, 10, 10, 10, 10, 10, 10])
    for s in bulletin.standings:
        reporting = s.reporting
        for c, (value, style) in enumerate([
            (s.rank, out.whole), (s.name, out.text), (_figure(s.score), out.score), (s.counted, out.whole),
            (s.lagging, out.whole), (s.previous_rank, out.whole), (s.rank_change, out.whole),
            (_figure(reporting.reported_rate) if reporting else None, out.ratio),
            (_figure(reporting.timely_rate) if reporting else None, out.ratio),
        ]):
            out.cell(sheet, r, c, value, style)
        r += 1
    sheet.write_string(r + 1, 0, bulletin.rule.text, out.note)
    sheet.write_string(r + 2, 0, bulletin.summary, out.note)

    columns = ["区域", "指标", "口径", "单位", "目标", "实际", "完成率", "时间进度", "状态", "排名"]
    widths = [14, 30, 6, 10, 12, 12, 9, 9, 10, 6]
    for name, rows in (("本级指标", bulletin.own_rows), ("下级区域指标", [r for r in bulletin.rows
                                                                   if r.region_code != bulletin.region.code])):
        sheet, r = out.sheet(name, columns, widths)
        for row in rows:
            for c, (value, style) in enumerate([
                (row.region_name, out.text), (row.indicator_name, out.wrap), (BASIS.get(row.basis, row.basis), out.text),
                (row.unit, out.text), (_figure(row.target), out.number), (_figure(row.actual), out.number),
                (_figure(row.completion), out.ratio), (None if row.is_stock else _figure(row.time_progress), out.ratio),
                (row.status_label, out.text), (row.rank, out.whole),
            ]):
                out.cell(sheet, r, c, value, style)
            r += 1

    sheet, r = out.sheet("进度填报", ["区域", "应报", "按时", "逾期", "待审核", "未报", "填报率", "及时率"],
                         [14, 8, 8, 8, 8, 8, 10, 10])
    for part in [*bulletin.discipline.parts, bulletin.discipline.total]:
        if not part.owed:
            continue
        name = part.region.name + ("合计" if part is bulletin.discipline.total else "")
        counts = part.counts
        for c, (value, style) in enumerate([
            (name, out.text), (part.owed, out.whole), (counts["on_time"], out.whole), (counts["late"], out.whole),
            (counts["pending"], out.whole), (counts["missing"], out.whole),
            (_figure(part.reported_rate), out.ratio), (_figure(part.timely_rate), out.ratio),
        ]):
            out.cell(sheet, r, c, value, style)
        r += 1
    sheet.write_string(r + 1, 0, f"{bulletin.period.last_month:%Y年%-m月}的项目进度，截止日为"
                                 f"{bulletin.discipline.deadline:%Y年%-m月%-d日}（本平台设置）。", out.note)

    sheet, r = out.sheet("滞后项目", ["项目编号", "项目名称", "企业", "所属区域", "阶段", "情况", "计划日期", "超期天数"],
                         [16, 28, 26, 12, 8, 8, 12, 10])
    for late in bulletin.behind:
        p = late.project
        for c, (value, style) in enumerate([
            (p.code, out.text), (p.name, out.wrap), (p.enterprise.name, out.wrap), (p.enterprise.region.name, out.text),
            (p.get_stage_display(), out.text), (late.reason, out.text), (late.planned.isoformat(), out.text),
            (late.days, out.whole),
        ]):
            out.cell(sheet, r, c, value, style)
        r += 1
    sheet.write_string(r + 1, 0, f"生成于 {datetime_text(bulletin.composed_at)}", out.note)
    return out.close()
