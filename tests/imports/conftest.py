"""Helpers for import tests: write a sheet of a kind (headers from the registry) to a tmp file."""

import csv

import pytest
import xlsxwriter

from lianghua.imports.kinds import import_kinds


def sheet_write(path, kind: str, rows: list[list], headers: list[str] | None = None, encoding: str = "utf-8-sig"):
    headers = headers or list(import_kinds()[kind].headers)
    if str(path).endswith(".csv"):
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
    else:
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, headers)
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, row)
        workbook.close()
    return path


@pytest.fixture
def sheet(tmp_path):
    """sheet("enterprises", [[…], …], name="x.csv") -> path of the written file."""
    def write(kind, rows, name=None, **kwargs):
        return sheet_write(tmp_path / (name or f"{kind}.csv"), kind, rows, **kwargs)

    return write
