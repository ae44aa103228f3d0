"""Imports over the API: upload a file of a kind (dry run or apply), confirm a dry run, list and read
batches."""

import datetime as dt

from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lianghua.core.query_params import ApiPages

from .kinds import import_kinds
from .selectors import import_batches_listed, import_batches_visible_to
from .services import ImportNotAllowed, ImportNotConfirmable, import_confirm, import_upload, user_may_import

router = Router(tags=["imports"])


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class FieldChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class RowChangeOut(Schema):
    row: int
    fields: list[FieldChangeOut]


def _status_of(batch) -> str:
    """running, interrupted (running, but its process is gone: nothing applied), dry_run, applied, rejected."""
    return "interrupted" if batch.interrupted else batch.status


class BatchOut(Schema):
    id: int
    kind: str
    original_name: str
    sha256: str
    status: str  # running / interrupted / dry_run / applied / rejected
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    errors: list[ProblemOut]  # the first LIANGHUA_IMPORT_ERRORS_KEPT by row
    errors_total: int
    warnings: list[ProblemOut]
    warnings_total: int
    changes: list[RowChangeOut]  # each updated row's changing fields (the first 2,000 rows)
    started_at: dt.datetime
    finished_at: dt.datetime | None
    by: str | None
    applied_batch_id: int | None = None  # a confirmed dry run: the batch that applied it

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.username if obj.by_id else None

    @staticmethod
    def resolve_applied_batch_id(obj) -> int | None:
        confirmation = obj.confirmation  # a confirmation still running has applied nothing yet
        return confirmation.pk if confirmation is not None and confirmation.status == "applied" else None

    @staticmethod
    def resolve_status(obj) -> str:
        return _status_of(obj)


class BatchListOut(Schema):
    id: int
    kind: str
    original_name: str
    status: str
    rows_total: int
    rows_created: int
    rows_updated: int
    error_count: int
    started_at: dt.datetime
    by: str | None

    @staticmethod
    def resolve_error_count(obj) -> int:
        return obj.errors_total

    @staticmethod
    def resolve_status(obj) -> str:
        return _status_of(obj)

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.username if obj.by_id else None


@router.get("/", response=list[BatchListOut], summary="导入批次列表（按用户区域范围）")
@paginate(ApiPages, page_size=50)
def batch_list(request, kind: str | None = None):
    batches = import_batches_listed(request.user)
    return batches.filter(kind=kind) if kind else batches


@router.get("/batches/{batch_id}", response=BatchOut, summary="导入批次详情（含按行号排在最前的错误和错误总数）")
def batch_detail(request, batch_id: int):
    batch = import_batches_visible_to(request.user).filter(pk=batch_id).first()
    if batch is None:
        raise HttpError(404, "导入批次不存在或不在您的范围内")
    return batch


@router.post("/batches/{batch_id}/confirm", response={200: BatchOut}, summary="确认导入一次试导入",
             description="与导入页面的“确认导入”相同：重新检查并导入试导入时保存的同一文件，返回新的导入批次"
             "（检查出错时 status 为 rejected，试导入仍可再确认）。只能确认自己的、检查通过的试导入（管理员除外）；"
             "每个试导入只能确认一次，再次确认返回 409。",
             openapi_extra={"responses": {409: {"description": "该试导入已确认导入、正在确认导入，或不是检查通过的试导入"}}})
def batch_confirm(request, batch_id: int):
    # The same checks in the same order as the page's 确认导入 (views.import_batch_confirm).
    batch = import_batches_visible_to(request.user).filter(pk=batch_id).first()
    if batch is None:
        raise HttpError(404, "导入批次不存在或不在您的范围内")
    if not user_may_import(request.user):
        raise HttpError(403, "您的账号没有导入数据的权限")
    try:
        return import_confirm(batch=batch, by=request.user)
    except ImportNotAllowed as exc:
        raise HttpError(403, str(exc)) from None
    except ImportNotConfirmable as exc:
        raise HttpError(409, str(exc)) from None


@router.post("/{kind}", response={200: BatchOut}, summary="上传并导入（dry_run=true 只检查不写入）",
             description="类型：" + "、".join(f"{code}（{k.name}）" for code, k in import_kinds().items())
             + "。有任何错误时不写入，errors 列出每一处（row 为表格行号，表头为第1行）。")
def batch_create(request, kind: str, file: File[UploadedFile], dry_run: Form[bool] = False):
    if kind not in import_kinds():
        raise HttpError(404, f"未知的导入类型“{kind}”，可选：{'、'.join(import_kinds())}")
    try:
        return import_upload(kind=kind, upload=file, by=request.user, dry_run=dry_run)
    except ImportNotAllowed as exc:
        raise HttpError(403, str(exc)) from None
