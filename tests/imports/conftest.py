"""Helpers for import tests: write a sheet of a kind (headers from the registry) to a tmp file; a
database of its own for tests that run `lianghua` as separate processes."""

import csv
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
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


LIANGHUA = str(Path(sys.executable).with_name("lianghua"))


@pytest.fixture
def own_database(tmp_path):
    """The environment of a process with a fresh database of its own, initialised (`lianghua init`)."""
    env = {**os.environ, "LIANGHUA_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"}
    url = os.environ.get("DATABASE_URL", "")
    server = dj_database_url.parse(url) if url.startswith("postgres") else None
    name = f"lianghua_own_{uuid.uuid4().hex[:8]}"
    if server:
        import psycopg

        admin = psycopg.connect(host=server["HOST"], port=server["PORT"] or 5432, user=server["USER"],
                                password=server["PASSWORD"] or None, dbname=server["NAME"], autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([LIANGHUA, "init"], env=env, check=True, capture_output=True, timeout=300)
    yield env
    if server:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()
    shutil.rmtree(tmp_path / "var", ignore_errors=True)
