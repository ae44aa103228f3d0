"""Running an import: the one service the command, the web page and the API all call.

Every run keeps its file in an ImportBatch (also a rejected or dry run). A file with any problem
writes nothing; a clean one is written in one transaction through the bulk service its kind
declares (enterprises/, projects/). A dry run does the whole write and rolls it back, so its counts are exactly what the
real import will do.
"""

import gc
import hashlib
import io
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from lianghua.accounts.roles import Capability, user_may
from lianghua.audit.bulk import UpsertResult
from lianghua.audit.changes import changes_described
from lianghua.audit.services import domain_event_record
from lianghua.core.databases import lock_wait

from .forms_xlsx import form_write
from .kinds import ImportKind, import_kind
from .models import ImportBatch, current_worker
from .reading import FileUnreadable, ReadLimits, table_read
from .validation import RowProblem, Validation, table_validate

logger = logging.getLogger(__name__)


class ImportNotAllowed(PermissionDenied):
    """Leaders read, enterprise users report through their own pages; only officers and admins import."""


class _DryRunRollback(Exception):
    pass


# A batch lists this many updated rows field by field (before → after); beyond them it counts. A
# province-wide file may update a million rows, and the list is for a person to read.
CHANGES_LISTED = 2000


def user_may_import(user: Any) -> bool:
    """Officers (in their region) and administrators import; `None` is the command line's operator."""
    return user_may(user, Capability.IMPORT)


def import_template_write(*, kind: str, path: str | Path) -> Path:
    """The blank .xlsx form of `kind` (header row, drop-down lists, a 填写说明 sheet)."""
    written = Path(path)
    form_write(import_kind(kind), written)
    return written


def import_template_bytes(*, kind: str) -> bytes:
    buffer = io.BytesIO()
    form_write(import_kind(kind), buffer)
    return buffer.getvalue()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _batch_start(*, kind: str, path: Path, original_name: str, by: Any) -> ImportBatch:
    """The batch, 进行中, with its file kept: committed before the checks, so that every run is on record
    (a killed one shows as 中断)."""
    batch = ImportBatch.objects.create(kind=kind, original_name=original_name[:200], sha256=_sha256(path),
                                       status=ImportBatch.Status.RUNNING, worker=current_worker(),
                                       by=by if getattr(by, "pk", None) else None)
    with path.open("rb") as handle:
        batch.file.save(Path(original_name).name, File(handle), save=True)
    return batch


@contextmanager
def _collector_paused() -> Iterator[None]:
    """An import builds a few objects per row and keeps them all until it ends, so the cyclic garbage
    collector would run hundreds of times over a growing heap and find nothing (a quarter of the time of
    100,000 rows). Reference counting still frees everything; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_limits() -> ReadLimits:
    """What one file may hold, from the settings (LIANGHUA_IMPORT_*)."""
    mb = 1024 * 1024
    return ReadLimits(
        file_bytes=settings.LIANGHUA_IMPORT_MAX_FILE_MB * mb, rows=settings.LIANGHUA_IMPORT_MAX_ROWS,
        columns=settings.LIANGHUA_IMPORT_MAX_COLUMNS, cells=settings.LIANGHUA_IMPORT_MAX_CELLS,
        text_chars=settings.LIANGHUA_IMPORT_MAX_TEXT_CHARS,
        uncompressed_bytes=settings.LIANGHUA_IMPORT_MAX_UNCOMPRESSED_MB * mb,
        memory_bytes=settings.LIANGHUA_IMPORT_READ_MEMORY_MB * mb, seconds=settings.LIANGHUA_IMPORT_READ_SECONDS)


_FINISHED_FIELDS = ["errors", "warnings", "errors_total", "warnings_total", "status", "rows_total", "rows_created",
                    "rows_updated", "rows_unchanged", "changes", "finished_at"]


def import_run(*, kind: str, path: str | Path, original_name: str | None = None, by: Any,
               dry_run: bool = False) -> ImportBatch:
    """Check the file at `path` and, when it is clean and this is no dry run, write it.

    Returns the batch: status 已导入 / 试导入 / 有错误，未导入, its row counts, and its errors and
    warnings as {"row", "column", "message"} dicts (`第N行 [列名] 原因`). The file is read and checked
    before any write transaction opens (on SQLite the write lock is held only while rows are written),
    and the batch becomes 已导入 in the transaction that writes its rows: a process killed at any point
    leaves either everything applied and said so, or nothing applied and the batch 进行中 (shown 中断).
    """
    import_definition = import_kind(kind)
    if not user_may_import(by):
        raise ImportNotAllowed("您的账号没有导入数据的权限（仅管理员和经信部门工作人员可以导入）")
    path = Path(path)
    # An import is long work: each of its writes waits its turn behind another import's (SQLite holds one
    # write lock for the whole database; the file is read and checked holding none).
    with lock_wait(settings.LIANGHUA_IMPORT_LOCK_WAIT_SECONDS):
        batch = _batch_start(kind=kind, path=path, original_name=original_name or path.name, by=by)
        with _collector_paused():
            _checked_and_written(import_definition, path, batch, by, dry_run)
    return batch


def _problems_keep(batch: ImportBatch, validation: Validation | None, problems: list[RowProblem]) -> None:
    kept = settings.LIANGHUA_IMPORT_ERRORS_KEPT
    if validation is not None:
        batch.errors = [p.as_dict() for p in validation.errors[:kept]]
        batch.warnings = [p.as_dict() for p in validation.warnings[:kept]]
        batch.errors_total, batch.warnings_total = validation.errors_total, validation.warnings_total
    else:
        batch.errors, batch.errors_total = [p.as_dict() for p in problems], len(problems)
        batch.warnings, batch.warnings_total = [], 0


def _rejected(batch: ImportBatch) -> None:
    batch.status = ImportBatch.Status.REJECTED
    batch.rows_created = batch.rows_updated = batch.rows_unchanged = 0
    batch.changes = []
    batch.finished_at = timezone.now()
    batch.save(update_fields=_FINISHED_FIELDS)


def _checked_and_written(import_definition: ImportKind, path: Path, batch: ImportBatch, by: Any,
                         dry_run: bool) -> None:
    """Read and check the file; when it has no problem write its rows (rolled back on a dry run) and
    finish the batch with them."""
    try:
        table = table_read(path, read_limits())
    except FileUnreadable as exc:
        _problems_keep(batch, None, [RowProblem(1, "文件", str(exc))])
        return _rejected(batch)
    validation = table_validate(import_definition, table, by)
    del table
    batch.rows_total = validation.rows_total
    _problems_keep(batch, validation, [])
    if validation.errors:
        return _rejected(batch)
    try:
        with transaction.atomic():
            written = import_definition.write(rows=validation.rows, by=by, import_batch=batch)
            batch.rows_created, batch.rows_updated = written.created_count, written.updated_count
            # Rows the writer compared and found equal, and update rows with nothing to change.
            batch.rows_unchanged = batch.rows_total - batch.rows_created - batch.rows_updated
            batch.changes = changes_listed(import_definition, written, validation.row_numbers)
            batch.finished_at = timezone.now()
            if dry_run:
                raise _DryRunRollback
            batch.status = ImportBatch.Status.APPLIED
            batch.save(update_fields=_FINISHED_FIELDS)
            domain_event_record(
                kind="import.applied", actor=by, region=getattr(by, "region", None), batch=batch.pk,
                import_kind=import_definition.code,
                file=batch.original_name, rows=batch.rows_total, created=batch.rows_created,
                updated=batch.rows_updated,
            )
    except _DryRunRollback:
        batch.status = ImportBatch.Status.DRY_RUN
        batch.save(update_fields=_FINISHED_FIELDS)
    except DatabaseError as exc:  # the checks should have caught it; say so instead of a bare 500
        logger.exception("import batch %s: the write failed after clean checks", batch.pk)
        batch.status = ImportBatch.Status.RUNNING  # the in-memory copy, rolled back with the rows
        _problems_keep(batch, None, [RowProblem(1, "数据库", f"写入失败，未导入任何数据：{_database_error_text(exc)}")])
        _rejected(batch)
    return None


def _database_error_text(exc: DatabaseError) -> str:
    """A database refusal as the user reads it: the common ones in Chinese, others by their kind only."""
    text = str(exc).lower()
    if "locked" in text or "could not serialize" in text or "deadlock" in text:
        return "数据库正忙（其他人正在写入），请稍后重试"
    if "unique" in text or "duplicate" in text:
        return "与已有记录重复（可能有人同时导入了同一批数据），请稍后重试"
    if "foreign key" in text:
        return "引用的记录已被删除或修改，请重新导入"
    return "数据库拒绝了写入，请联系管理员（详情已记入服务器日志）"


def changes_listed(kind: ImportKind, written: UpsertResult, row_numbers: list[int]) -> list[dict[str, Any]]:
    """The updated rows (the first CHANGES_LISTED) as the batch keeps them: the file row and each
    field that changes, named by the kind's column header, before → after."""
    if written.model is None or not written.updated:
        return []
    labels = {column.stored or column.field: column.header for column in kind.columns}
    described = changes_described(written.model, written.updated[:CHANGES_LISTED], labels=labels)
    return [{"row": row_numbers[position], "fields": [change.as_dict() for change in fields]}
            for position, fields in zip(written.updated_positions, described, strict=False)]


def import_upload(*, kind: str, upload: UploadedFile, by: Any, dry_run: bool = False) -> ImportBatch:
    """import_run for an uploaded file (web page, API): spooled to a private temporary folder first."""
    name = Path(upload.name or "upload").name
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / f"upload{Path(name).suffix.lower()}"
        with local.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        return import_run(kind=kind, path=local, original_name=name, by=by, dry_run=dry_run)


class ImportNotConfirmable(ValueError):
    """The batch is no clean dry run, or one already applied; the message is for the user."""


def import_confirm(*, batch: ImportBatch, by: Any) -> ImportBatch:
    """Apply the very file a clean dry run checked (it is checked again: the data may have moved on).

    Returns the new batch. When it applied, the dry run records it and refuses any later confirmation;
    when the second check found errors, nothing was applied and the dry run stays confirmable. The dry
    run is claimed in a short transaction (its row locked, the new batch recorded on it), so two
    confirmations at once (a double click, the page and the API) apply the file once: the second is
    refused while the first runs. The file is then read, checked and written as every import is, holding
    no lock while it is checked; a confirmation killed on the way leaves the dry run confirmable.
    """
    if not (user_may(by, Capability.ADMINISTER) or batch.by_id == getattr(by, "pk", None)):
        raise ImportNotAllowed("只能确认自己的试导入")
    with tempfile.TemporaryDirectory() as folder, lock_wait(settings.LIANGHUA_IMPORT_LOCK_WAIT_SECONDS):
        with transaction.atomic():
            dry_run = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            confirmation = dry_run.confirmation
            if confirmation is not None and confirmation.status == ImportBatch.Status.APPLIED:
                raise ImportNotConfirmable(f"该试导入已确认导入（导入批次 {confirmation.pk}），不能重复确认")
            if confirmation is not None:
                raise ImportNotConfirmable(f"该试导入正在确认导入（导入批次 {confirmation.pk}），请稍候查看结果")
            if dry_run.status != ImportBatch.Status.DRY_RUN:
                raise ImportNotConfirmable("只有检查通过的试导入可以确认导入")
            # Copy out of storage first: the storage may not be a local disk.
            local = Path(folder) / f"confirm{Path(dry_run.original_name).suffix}"
            with dry_run.file.open("rb") as source, local.open("wb") as target:
                shutil.copyfileobj(source, target)
            if _sha256(local) != dry_run.sha256:
                raise ImportNotConfirmable("试导入的文件已被改动，请重新上传")
            applying = _batch_start(kind=dry_run.kind, path=local, original_name=dry_run.original_name, by=by)
            dry_run.applied_batch = applying
            dry_run.save(update_fields=["applied_batch"])
        with _collector_paused():
            _checked_and_written(import_kind(dry_run.kind), local, applying, by, dry_run=False)
        if applying.status != ImportBatch.Status.APPLIED:  # found errors this time: confirmable again
            ImportBatch.objects.filter(pk=dry_run.pk, applied_batch=applying).update(applied_batch=None)
    batch.applied_batch_id = applying.pk if applying.status == ImportBatch.Status.APPLIED else None
    return applying


def problem_text(problem: dict[str, Any]) -> str:
    return str(RowProblem(problem["row"], problem["column"], problem["message"]))
