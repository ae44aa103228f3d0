"""`lianghua backup` and `lianghua restore` round-trip: after a restore every table's row count and
checksum and every stored file equal the backup's, and what was done after the backup is gone. Run as
the operator would, as processes on a database of their own (SQLite or PostgreSQL)."""

import json
import subprocess
import tarfile
from pathlib import Path

from tests.conftest import LIANGHUA
from tests.factories import valid_credit_code

STATE = """
import json
from django.conf import settings
from lianghua.enterprises.models import Enterprise
from lianghua.imports.models import ImportBatch
from lianghua.setup.backup import file_checksums, table_checksums
from pathlib import Path
print(json.dumps({"enterprises": sorted(Enterprise.objects.values_list("name", flat=True)),
                  "batches": ImportBatch.objects.count(),
                  "tables": {alias: table_checksums(alias) for alias in settings.DATABASES},
                  "files": file_checksums(Path(settings.MEDIA_ROOT))}, ensure_ascii=False))
"""


def lianghua(env, *arguments, check=True):
    return subprocess.run([LIANGHUA, *arguments], env=env, capture_output=True, text=True, check=check, timeout=300)


def state(env):
    return json.loads(lianghua(env, "shell", "-c", STATE).stdout.strip().splitlines()[-1])


def enterprises(path: Path, first: int, names: str) -> Path:
    path.write_text("统一社会信用代码,企业名称,所属区域,行业代码\n" + "".join(
        f"{valid_credit_code(first + n)},{names}{n},武原街道,C34\n" for n in range(20)), encoding="utf-8")
    return path


def test_backup_and_restore_round_trip(tmp_path, own_database):
    env = own_database
    lianghua(env, "import", "enterprises", str(enterprises(tmp_path / "first.csv", 500, "备份前企业")))
    before = state(env)
    assert len(before["enterprises"]) == 20 and before["batches"] == 1 and len(before["files"]) == 1
    archive = tmp_path / "backup.tar.gz"
    made = lianghua(env, "backup", "-o", str(archive))
    assert made.stdout.strip().startswith("已备份：") and archive.exists()
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["files"] == before["files"]

    # After the backup: more data, a changed record, a lost file.
    lianghua(env, "import", "enterprises", str(enterprises(tmp_path / "second.csv", 900, "备份后企业")))
    media = Path(env["LIANGHUA_VAR_DIR"]) / "media"
    next(p for p in media.rglob("*") if p.is_file() and "first" in p.name).unlink()
    assert state(env) != before

    refused = lianghua(env, "restore", str(archive), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    restored = lianghua(env, "restore", str(archive), "--yes")
    assert restored.stdout.strip().startswith("已恢复并核对一致：")
    after = state(env)
    assert after["enterprises"] == before["enterprises"] and after["batches"] == 1
    assert after["files"] == before["files"]
    for alias, tables in before["tables"].items():
        for table, figures in tables.items():
            assert after["tables"][alias][table] == figures, (alias, table)


def test_a_damaged_archive_is_refused_in_chinese(tmp_path, own_database):
    broken = tmp_path / "not-a-backup.tar.gz"
    with tarfile.open(broken, "w:gz") as archive:
        note = tmp_path / "manifest.json"
        note.write_text(json.dumps({"format": 99}), encoding="utf-8")
        archive.add(note, arcname="manifest.json")
    refused = lianghua(own_database, "restore", str(broken), "--yes", check=False)
    assert refused.returncode == 1 and "备份文件格式不符" in refused.stderr
