"""The blank import form of a kind as .xlsx: the header row, widths, a text format for codes, drop-down
lists where the values are enumerated, and a second sheet 填写说明 with every column explained."""

from pathlib import Path
from typing import BinaryIO

import xlsxwriter

from .kinds import (
    BOOLEAN,
    CHOICE,
    CREDIT_CODE,
    DATE,
    DECIMAL,
    INTEGER,
    MONTH,
    TEXT,
    TYPE_LABELS,
    ImportKind,
)
from .validation import CLEAR_MARKER, choice_values

VALIDATED_ROWS = 100_000  # drop-down lists and formats reach this far down the sheet
HELP_SHEET = "填写说明"


def update_rule_text(kind: ImportKind) -> str:
    """How a re-import treats blank cells, 清空 and left-out columns: said on the template and the page."""
    skipped = f"导出清单中的“{'、'.join(kind.read_only_headers)}”列仅供查看，导入时忽略。" if kind.read_only_headers else ""
    return (f"更新已有记录时，留空的单元格保持原值；要删除原值，请在单元格中填写“{CLEAR_MARKER}”。"
            f"文件可以只包含唯一键列和要修改的列；新增记录须填写全部必填列。{skipped}")


def form_write(kind: ImportKind, target: str | Path | BinaryIO) -> None:
    """Write the form to `target`: a path, or a binary file object (the web page's download)."""
    if isinstance(target, str | Path):
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        workbook = xlsxwriter.Workbook(str(target))
    else:
        workbook = xlsxwriter.Workbook(target, {"in_memory": True})
    try:
        header_required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1,
                                               "text_wrap": True, "valign": "vcenter"})
        header_optional = workbook.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1,
                                               "text_wrap": True, "valign": "vcenter"})
        as_text = workbook.add_format({"num_format": "@"})
        as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        as_number = workbook.add_format({"num_format": "#,##0.####"})
        as_integer = workbook.add_format({"num_format": "0"})
        cell_formats = {TEXT: as_text, CREDIT_CODE: as_text, CHOICE: as_text, BOOLEAN: as_text, DATE: as_date,
                        MONTH: as_text, DECIMAL: as_number, INTEGER: as_integer}

        sheet = workbook.add_worksheet(kind.name[:31])
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)
        lists_sheet = None
        for index, column in enumerate(kind.columns):
            sheet.set_column(index, index, column.width, cell_formats[column.type])
            sheet.write_string(0, index, column.header, header_required if column.required else header_optional)
            if column.note:
                sheet.write_comment(0, index, column.note, {"x_scale": 2})
            values = choice_values(column) if column.type in (CHOICE, BOOLEAN) else []
            if values:
                source: object = values
                if sum(len(v) + 1 for v in values) > 250:  # Excel caps inline lists at 255 characters
                    if lists_sheet is None:
                        lists_sheet = workbook.add_worksheet("可选值")
                    for row, value in enumerate(values):
                        lists_sheet.write_string(row, index, value)
                    letter = xlsxwriter.utility.xl_col_to_name(index)
                    source = f"='可选值'!${letter}$1:${letter}${len(values)}"
                sheet.data_validation(1, index, VALIDATED_ROWS, index, {
                    "validate": "list", "source": source,
                    "error_title": column.header, "error_message": "请从下拉列表中选择",
                })
            elif column.type == DATE:
                sheet.data_validation(1, index, VALIDATED_ROWS, index, {
                    "validate": "any", "input_title": column.header, "input_message": "日期，如 2025-03-01",
                })

        help_sheet = workbook.add_worksheet(HELP_SHEET)
        bold = workbook.add_format({"bold": True, "bg_color": "#EEF1F5", "border": 1})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
        help_sheet.set_column(0, 0, 22)
        help_sheet.set_column(1, 1, 30)
        help_sheet.set_column(2, 3, 8)
        help_sheet.set_column(4, 4, 10)
        help_sheet.set_column(5, 5, 60)
        help_sheet.write_string(0, 0, f"{kind.name}导入模板（类型 {kind.code}）", workbook.add_format({"bold": True}))
        help_sheet.write_string(1, 0, f"唯一键：{kind.key_description}。键相同的行再次导入时更新原记录。"
                                      f"{kind.note}金额单位均为万元。")
        help_sheet.write_string(2, 0, "整份文件有任何一处错误都不会写入，错误按“第N行 [列名] 原因”列出（表头为第1行）。"
                                      + update_rule_text(kind))
        for col, title in enumerate(("列名", "类型", "新增必填", "唯一键", "单位", "可选值 / 说明")):
            help_sheet.write_string(4, col, title, bold)
        for row, column in enumerate(kind.columns, start=5):
            values = choice_values(column) if column.type in (CHOICE, BOOLEAN) else []
            explain = "、".join(values)
            if column.note:
                explain = f"{explain}；{column.note}" if explain else column.note
            if column.minimum is not None and column.maximum is not None:
                explain = f"{column.minimum}–{column.maximum}" + (f"；{explain}" if explain else "")
            elif column.minimum == "0":
                explain = "不能为负数" + (f"；{explain}" if explain else "")
            for col, text in enumerate((column.header, TYPE_LABELS[column.type], "是" if column.required else "",
                                        "是" if column.key else "", column.unit, explain)):
                help_sheet.write_string(row, col, text, wrap)
    finally:
        workbook.close()
    return target
