"""Import speed, end to end (read + check + write + history), on a throwaway database. Not a test:

    PYTHONPATH=. .venv/bin/python bench/imports_speed.py [ROWS] [--xlsx]   # from the repository root

Prints rows/s (wall clock, and per CPU second: on a shared machine the wall clock also counts other
people's work) for enterprises, enterprise-years, projects and progress (issue 2 §3 asks ≥ 20,000 rows/s
on SQLite for enterprises, enterprise-years and progress).
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghua.settings")
    if "LIANGHUA_VAR_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
        os.environ["LIANGHUA_VAR_DIR"] = tempfile.mkdtemp(prefix="lianghua-speed-")
    import django

    django.setup()
    from django.core.management import call_command
    from tests.factories import valid_credit_code
    from tests.imports.conftest import sheet_write

    from lianghua.imports.services import import_run
    from lianghua.setup.reference import reference_data_load

    rows = int(next((a for a in sys.argv[1:] if a.isdigit()), "100000"))
    suffix = ".xlsx" if "--xlsx" in sys.argv else ".csv"
    call_command("migrate", verbosity=0)
    reference_data_load()
    towns = ["武原", "开发区", "秦山", "望海", "沈荡", "百步", "于城", "澉浦", "通元"]
    folder = Path(tempfile.mkdtemp(prefix="lianghua-speed-files-"))
    enterprises = rows // 2
    codes = [valid_credit_code(i + 1) for i in range(enterprises)]
    files = {
        "enterprises": [[c, f"测试制造有限公司{i}", towns[i % 9], f"C{13 + i % 31}"] for i, c in enumerate(codes)],
        "enterprise-years": [[codes[i % enterprises], 2024 + i // enterprises, "是", "否", 5000 + i % 700, 1200, 300,
                              100 + i % 50, 20.5, 2000, 150] for i in range(rows)],
        "projects": [[f"P{i:07d}", f"改造项目{i}", codes[i % enterprises], "数字化" if i % 2 else "绿色化", "", 1000,
                      600, 300, 100, "2025-01-01", "2025-12-31", "2025-02-01", "", "", "在建", "正常", "", "否", "", "", ""]
                     for i in range(rows // 10)],
        "progress": [[f"P{i // 10:07d}", f"2025-{1 + i % 10:02d}", 50 + 10 * (i % 10)] for i in range(rows)],
    }
    # A third run with one figure changed in every row: the update path.
    changed = {"enterprise-years": lambda row: [*row[:4], row[4] + 1, *row[5:]],
               "progress": lambda row: [*row[:2], row[2] + 1]}
    for kind, data in files.items():
        path = sheet_write(folder / f"{kind}{suffix}", kind, data)
        attempts = [("new", path), ("again (unchanged)", path)]
        if kind in changed:
            attempts.append(("changed", sheet_write(folder / f"{kind}-changed{suffix}", kind,
                                                    [changed[kind](row) for row in data])))
        for attempt, path in attempts:
            started, cpu = time.perf_counter(), time.process_time()
            batch = import_run(kind=kind, path=path, by=None)  # the command line's operator
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert not batch.errors, batch.errors[:5]
            print(f"{kind:17s} {attempt:18s} {batch.rows_total:>7d} rows  {seconds:6.2f} s  "
                  f"{batch.rows_total / seconds:>8,.0f} rows/s  (CPU {cpu:5.2f} s: {batch.rows_total / cpu:>8,.0f} rows/s; created {batch.rows_created}, "
                  f"updated {batch.rows_updated})")
    print(f"files in {folder}; {datetime.datetime.now():%H:%M}")


if __name__ == "__main__":
    main()
