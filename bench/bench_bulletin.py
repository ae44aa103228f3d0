"""The county bulletin benchmark (issue 10 §7, first part): 海盐县 and its nine towns on the demo data.

Run:  .venv/bin/python bench/bench_bulletin.py [--runs N]

It builds the demo (`lianghua init` + `lianghua demo`, data as of 2026-11-21) in a temporary SQLite
database of its own, then times, for the 2026-10 bulletin, composing it (progress of the county and its
towns, this period and the previous one, reporting, overdue projects) and rendering it to PDF, and prints
the medians beside the goal (a county bulletin ≤ 2 s to PDF). The monthly drafts of every county of the
province are timed by bench/run.py (step 5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

AS_OF = dt.date(2026, 11, 21)
GOAL_PDF_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description="县级进度通报基准：生成通报并输出 PDF 的耗时")
    parser.add_argument("--runs", type=int, default=5, help="计时次数，取中位数（默认 5）")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lianghua-bench-bulletin-") as tmp:
        os.environ["LIANGHUA_VAR_DIR"] = str(Path(tmp) / "var")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "lianghua.settings"
        import django

        django.setup()
        from django.core.management import call_command

        from lianghua.bulletins.compose import bulletin_compose
        from lianghua.bulletins.pdf import bulletin_pdf
        from lianghua.bulletins.periods import period_read
        from lianghua.regions.models import Region
        from lianghua.setup.demo import demo_load
        from lianghua.targets.models import Plan

        started = time.perf_counter()
        call_command("init", verbosity=0)
        demo_load(as_of=AS_OF)
        print(f"（准备演示数据 {time.perf_counter() - started:.1f} 秒）")
        plan, county = Plan.objects.get(code="haiyan-2024-2026"), Region.objects.get(code="330424")
        compose_s, pdf_s = [], []
        for _ in range(options.runs):
            tick = time.perf_counter()
            bulletin = bulletin_compose(user=None, plan=plan, region=county, period=period_read("2026-10"))
            middle = time.perf_counter()
            bulletin_pdf(bulletin)
            compose_s.append(middle - tick)
            pdf_s.append(time.perf_counter() - tick)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        median = statistics.median(pdf_s)
        print(f"县级通报基准（海盐县 + 9 个镇街，2026年10月，SQLite，{os.cpu_count()} cores，"
              f"Python {platform.python_version()}，1分钟平均负载 {load:.1f}）")
        print(f"  生成通报（计算）  中位数 {statistics.median(compose_s) * 1000:.0f} ms")
        print(f"  生成并输出 PDF    中位数 {median:.2f} s  目标 ≤ {GOAL_PDF_S:.0f} s "
              f"{'达标' if median <= GOAL_PDF_S else '未达标'}")
        print(f"  各次（PDF）：{', '.join(f'{s:.2f}' for s in pdf_s)} s（第一次含字体加载）")


if __name__ == "__main__":
    main()
