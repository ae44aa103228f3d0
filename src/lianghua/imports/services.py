"""Running an import: the one service the command, the web page and the API all call.

Every run keeps its file in an ImportBatch (also a rejected or dry run). A file with any problem
writes nothing; a clean one is written in one transaction through the bulk service its kind
declares (enterprises/, projects/). A dry run does the whole write and rolls it back, so its counts are exactly what the
real import will do.
"""

import gc
import hashlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from lianghua.accounts.roles import Capability, user_may
from lianghua.audit.bulk import UpsertResult
from lianghua.audit.changes import changes_described
from lianghua.audit.services import domain_event_record

from .forms_xlsx import form_write
from .kinds import ImportKind, import_kind
from .models import ImportBatch
from .reading import FileUnreadable, table_read
from .validation import RowProblem, table_validate


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
    batch = ImportBatch.objects.create(kind=kind, original_name=original_name[:200], sha256=_sha256(path),
                                       status=ImportBatch.Status.REJECTED,
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


def import_run(*, kind: str, path: str | Path, original_name: str | None = None, by: Any,
               dry_run: bool = False) -> ImportBatch:
    """Check the file at `path` and, when it is clean and this is no dry run, write it.

    Returns the batch: status 已导入 / 试导入 / 有错误，未导入, its row counts, and its errors and
    warnings as {"row", "column", "message"} dicts (`第N行 [列名] 原因`).
    """
    import_definition = import_kind(kind)
    if not user_may_import(by):
        raise ImportNotAllowed("您的账号没有导入数据的权限（仅管理员和经信部门工作人员可以导入）")
    path = Path(path)
    batch = _batch_start(kind=kind, path=path, original_name=original_name or path.name, by=by)
    with _collector_paused():
        problems, warnings = _checked_and_written(import_definition, path, batch, by, dry_run)
    batch.errors = [p.as_dict() for p in problems]
    batch.warnings = [p.as_dict() for p in warnings]
    if problems:
        batch.status = ImportBatch.Status.REJECTED
        batch.rows_created = batch.rows_updated = batch.rows_unchanged = 0
        batch.changes = []
    else:
        batch.status = ImportBatch.Status.DRY_RUN if dry_run else ImportBatch.Status.APPLIED
    batch.finished_at = timezone.now()
    batch.save(update_fields=["errors", "warnings", "status", "rows_total", "rows_created", "rows_updated",
                              "rows_unchanged", "changes", "finished_at"])
    return batch


def _checked_and_written(import_definition: ImportKind, path: Path, batch: ImportBatch, by: Any,
                         dry_run: bool) -> tuple[list[RowProblem], list[RowProblem]]:
    """The file's problems and warnings; when there are no problems its rows are written (and rolled
    back on a dry run), with the batch's counts set."""
    problems: list[RowProblem] = []
    warnings: list[RowProblem] = []
    try:
        table = table_read(path)
    except FileUnreadable as exc:
        problems = [RowProblem(1, "文件", str(exc))]
        table = None
    try:
        if table is not None:
            with transaction.atomic():
                validation = table_validate(import_definition, table, by)
                problems, warnings = validation.errors, validation.warnings
                batch.rows_total = validation.rows_total
                if not problems:
                    written = import_definition.write(rows=validation.rows, by=by, import_batch=batch)
                    batch.rows_created, batch.rows_updated = written.created_count, written.updated_count
                    # Rows the writer compared and found equal, and update rows with nothing to change.
                    batch.rows_unchanged = batch.rows_total - batch.rows_created - batch.rows_updated
                    batch.changes = changes_listed(import_definition, written, validation.row_numbers)
                    if dry_run:
                        raise _DryRunRollback
                    domain_event_record(
                        kind="import.applied", actor=by, region=getattr(by, "region", None), batch=batch.pk,
                        import_kind=import_definition.code,
                        file=batch.original_name, rows=batch.rows_total, created=batch.rows_created,
                        updated=batch.rows_updated,
                    )
    except _DryRunRollback:
        pass
    except DatabaseError as exc:  # the checks should have caught it; say so instead of a bare 500
        problems = [RowProblem(1, "数据库", f"写入失败，未导入任何数据：{exc}")]
        batch.rows_created = batch.rows_updated = 0
    return problems, warnings


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
    run's row stays locked meanwhile, so two confirmations at once (a double click, the page and the
    API) apply the file once: the second waits and is then refused.
    """
    if not (user_may(by, Capability.ADMINISTER) or batch.by_id == getattr(by, "pk", None)):
        raise ImportNotAllowed("只能确认自己的试导入")
    with transaction.atomic():
        dry_run = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if dry_run.applied_batch_id is not None:
            raise ImportNotConfirmable(f"该试导入已确认导入（导入批次 {dry_run.applied_batch_id}），不能重复确认")
        if dry_run.status != ImportBatch.Status.DRY_RUN:
            raise ImportNotConfirmable("只有检查通过的试导入可以确认导入")
        # Copy out of storage first: the storage may not be a local disk.
        suffix = Path(dry_run.original_name).suffix
        with tempfile.TemporaryDirectory() as folder:
            local = Path(folder) / f"confirm{suffix}"
            with dry_run.file.open("rb") as source, local.open("wb") as target:
                shutil.copyfileobj(source, target)
            if _sha256(local) != dry_run.sha256:
                raise ImportNotConfirmable("试导入的文件已被改动，请重新上传")
            applied = import_run(kind=dry_run.kind, path=local, original_name=dry_run.original_name, by=by)
        if applied.status == ImportBatch.Status.APPLIED:
            dry_run.applied_batch = applied
            dry_run.save(update_fields=["applied_batch"])
    batch.applied_batch_id = dry_run.applied_batch_id
    return applied


def problem_text(problem: dict[str, Any]) -> str:
    return str(RowProblem(problem["row"], problem["column"], problem["message"]))
