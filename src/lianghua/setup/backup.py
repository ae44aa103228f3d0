"""Backups that restore: every database and every stored file in one archive, with a manifest of each
table's row count and checksum and each file's SHA-256, checked again after a restore.

SQLite: the online backup API (a consistent copy while the site runs) of each database file (the main
one and the security one). PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean`.
Stored files: everything under MEDIA_ROOT (the kept import files, bulletins, attachments).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """Something the operator must fix; the message is for them."""


@dataclass
class Restored:
    tables: int
    rows: int
    files: int
    mismatches: list[str]


def _quote(alias: str, name: str) -> str:
    return connections[alias].ops.quote_name(name)


def table_checksums(alias: str) -> dict[str, dict[str, Any]]:
    """Each table of database `alias`: its row count and a SHA-256 over its rows in a fixed order (every
    column, so equal tables give equal sums on the same database engine)."""
    connection = connections[alias]
    sums: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            order = ", ".join(str(n) for n in range(1, len(columns) + 1))
            cursor.execute(f"SELECT * FROM {_quote(alias, table)} ORDER BY {order}")
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(5000):
                for row in batch:
                    digest.update(repr(tuple(row)).encode())
                    rows += 1
            sums[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return sums


def file_checksums(root: Path) -> dict[str, str]:
    sums = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        sums[path.relative_to(root).as_posix()] = digest.hexdigest()
    return sums


def _pg_arguments(alias: str) -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    arguments = ["--host", db["HOST"] or "localhost", "--port", str(db["PORT"] or 5432), "--username", db["USER"],
                 "--dbname", db["NAME"]]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {})}
    return arguments, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"找不到 {command[0]}：请安装与数据库版本一致的 PostgreSQL 客户端（postgresql-client）") from None
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败：{done.stderr.strip()[-500:]}")


def backup_write(target: Path) -> dict[str, Any]:
    """Write the archive `target` (.tar.gz); returns its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as folder:
        staging = Path(folder)
        (staging / "db").mkdir()
        databases = {}
        for alias in settings.DATABASES:
            connection = connections[alias]
            if connection.vendor == "sqlite":
                copy = staging / "db" / f"{alias}.sqlite3"
                connection.ensure_connection()
                with sqlite3.connect(copy) as destination:
                    connection.connection.backup(destination)
                destination.close()
                databases[alias] = {"vendor": "sqlite", "file": f"db/{alias}.sqlite3"}
            elif connection.vendor == "postgresql":
                arguments, env = _pg_arguments(alias)
                _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(staging / "db" / f"{alias}.dump"),
                      *arguments], env)
                databases[alias] = {"vendor": "postgresql", "file": f"db/{alias}.dump"}
            else:
                raise BackupError(f"不支持备份该数据库：{connection.vendor}")
            databases[alias]["tables"] = table_checksums(alias)
        manifest = {"format": FORMAT, "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "databases": databases, "files": file_checksums(media) if media.exists() else {}}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(staging / MANIFEST, arcname=MANIFEST)
            archive.add(staging / "db", arcname="db")
            if media.exists():
                archive.add(media, arcname="files")
        partial.replace(target)  # a killed backup leaves no archive that looks whole
    return manifest


def backup_restore(source: Path) -> Restored:
    """Put back every database and stored file of the archive `source`, then check each table and file
    against its manifest. The site and the worker must be stopped."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as folder, tarfile.open(source, "r:gz") as archive:
        staging = Path(folder)
        archive.extractall(staging, filter="data")
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError("备份文件格式不符（不是本系统的备份，或来自不兼容的版本）")
        for alias, saved in manifest["databases"].items():
            if alias not in settings.DATABASES:
                raise BackupError(f"备份中的数据库“{alias}”在本机的设置中不存在")
            connection = connections[alias]
            if connection.vendor != saved["vendor"]:
                raise BackupError(f"备份来自 {saved['vendor']}，本机数据库是 {connection.vendor}：请用同类数据库恢复")
            if saved["vendor"] == "sqlite":
                connection.close()
                live = Path(connection.settings_dict["NAME"])
                with sqlite3.connect(staging / saved["file"]) as copy, sqlite3.connect(live) as destination:
                    copy.backup(destination)
            else:
                arguments, env = _pg_arguments(alias)
                connection.close()
                _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                      *arguments, str(staging / saved["file"])], env)
        if media.exists():
            shutil.rmtree(media)
        if (staging / "files").exists():
            shutil.copytree(staging / "files", media)
        mismatches = []
        tables = rows = 0
        for alias, saved in manifest["databases"].items():
            now = table_checksums(alias)
            for table, figures in saved["tables"].items():
                tables += 1
                rows += figures["rows"]
                if now.get(table) != figures:
                    mismatches.append(f"数据表 {table}（{alias}）与备份不一致")
        files_now = file_checksums(media) if media.exists() else {}
        mismatches += [f"文件 {name} 与备份不一致" for name, digest in manifest["files"].items()
                       if files_now.get(name) != digest]
    return Restored(tables=tables, rows=rows, files=len(manifest["files"]), mismatches=mismatches)
