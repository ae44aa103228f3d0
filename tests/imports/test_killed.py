"""A killed import leaves everything or nothing, and its batch tells which (issue 13 §3).

`lianghua import` runs as its own process on a database of its own (a SQLite file, or a database created
on the PostgreSQL server of this run) and is killed with SIGKILL at points spread over its run: while
Django starts, while the file is read and checked, while rows are written, around the commit. After
each kill the rows of the file are all applied and the batch says 已导入 with its counts, or none are and
the batch is 进行中 and shown 中断; running the same file again then gives the state a clean run gives.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import LIANGHUA
from tests.factories import valid_credit_code

ROWS = 6_000
STATE = """
import json
from lianghua.enterprises.models import Enterprise
from lianghua.imports.models import ImportBatch
names = sorted(set(Enterprise.objects.filter(credit_code__startswith="9").values_list("name", flat=True)))
print(json.dumps({
    "count": Enterprise.objects.count(),
    "suffixes": sorted({n.rsplit("·", 1)[-1] for n in names}),
    "batches": [{"name": b.original_name, "status": b.status, "interrupted": b.interrupted, "label": b.status_label,
                 "updated": b.rows_updated, "created": b.rows_created, "finished": b.finished_at is not None}
                for b in ImportBatch.objects.order_by("pk")],
}, ensure_ascii=False))
"""


def enterprises_file(path: Path, suffix: str) -> Path:
    lines = ["统一社会信用代码,企业名称,所属区域,行业代码"]
    lines += [f"{valid_credit_code(100_000 + n)},企业{n}·{suffix},武原街道,C34" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def state(env) -> dict:
    done = subprocess.run([LIANGHUA, "shell", "-c", STATE], env=env, check=True, capture_output=True, text=True,
                          timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def import_command(env, path: Path) -> list[str]:
    return [LIANGHUA, "import", "enterprises", str(path)]


def test_an_import_killed_at_any_point_applies_all_or_nothing_and_says_which(tmp_path, own_database):
    env = own_database
    first = enterprises_file(tmp_path / "first.csv", "甲")
    started = time.perf_counter()
    subprocess.run(import_command(env, first), env=env, check=True, capture_output=True, timeout=600)
    whole = time.perf_counter() - started  # Django's start, the read and the checks, the write
    assert state(env)["suffixes"] == ["甲"]

    outcomes = []
    for point, fraction in enumerate([0.3, 0.45, 0.55, 0.62, 0.7, 0.77, 0.84, 0.9, 0.95, 1.0]):
        suffix = f"乙{point}"
        path = enterprises_file(tmp_path / f"update-{point}.csv", suffix)
        before = state(env)
        process = subprocess.Popen(import_command(env, path), env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = state(env)
        assert after["count"] == before["count"] == ROWS
        batch = after["batches"][-1] if len(after["batches"]) > len(before["batches"]) else None
        if after["suffixes"] == [suffix]:  # landed after the commit: all applied, and said so
            assert batch and batch["status"] == "applied" and batch["updated"] == ROWS and batch["finished"]
            outcomes.append("已导入")
        else:  # nothing of it applied: the names are the previous file's, and the batch (if begun) 中断
            assert after["suffixes"] == before["suffixes"]
            if batch:
                assert batch["status"] == "running" and batch["interrupted"] and not batch["finished"]
                assert batch["label"] == "中断（未导入任何数据）"
                outcomes.append("中断")
            else:
                outcomes.append("未开始")
        # The same file again: the state of a clean run, whatever the kill left.
        again = subprocess.run(import_command(env, path), env=env, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr
        settled = state(env)
        assert settled["suffixes"] == [suffix] and settled["count"] == ROWS
        last = settled["batches"][-1]
        assert last["status"] == "applied" and last["updated"] == (0 if outcomes[-1] == "已导入" else ROWS)
    print("kill outcomes:", outcomes)
    assert "中断" in outcomes  # some kills landed inside the run, as intended


def test_a_running_batch_is_interrupted_only_when_its_process_is_gone(db, settings):
    import datetime
    import socket

    from django.utils import timezone

    from lianghua.imports.models import ImportBatch, current_worker

    alive = ImportBatch.objects.create(kind="enterprises", original_name="a.csv", status=ImportBatch.Status.RUNNING,
                                       worker=current_worker())
    assert not alive.interrupted and alive.status_label == "进行中"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead_worker = f"{socket.gethostname()}:{gone.pid}:{alive.worker.rsplit(':', 1)[1]}"
    dead = ImportBatch.objects.create(kind="enterprises", original_name="b.csv", status=ImportBatch.Status.RUNNING,
                                      worker=dead_worker)
    assert dead.interrupted and dead.status_label == "中断（未导入任何数据）"
    # Another machine's process cannot be asked: 中断 once it has run longer than any import runs.
    elsewhere = ImportBatch.objects.create(kind="enterprises", original_name="c.csv",
                                           status=ImportBatch.Status.RUNNING, worker="other-host:4242:1")
    assert not elsewhere.interrupted
    ImportBatch.objects.filter(pk=elsewhere.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=settings.LIANGHUA_IMPORT_STALE_HOURS, minutes=1))
    elsewhere.refresh_from_db()
    assert elsewhere.interrupted
