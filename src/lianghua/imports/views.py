"""The import page: pick a kind, download its form, upload, dry run, see every error, confirm."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from lianghua.accounts.roles import Capability, user_may

from .kinds import TYPE_LABELS, import_kinds
from .models import ImportBatch
from .selectors import import_batches_listed, import_batches_visible_to
from .services import (
    ImportNotConfirmable,
    import_confirm,
    import_template_bytes,
    import_upload,
    user_may_import,
)
from .validation import choice_values, yuan_rule_note


@login_required
def import_page(request):
    if request.method == "POST":
        if not user_may_import(request.user):
            raise PermissionDenied("您的账号没有导入数据的权限")
        kind, upload = request.POST.get("kind"), request.FILES.get("file")
        if kind not in import_kinds() or upload is None:
            messages.error(request, "请选择数据类型并选择要上传的文件")
            return redirect("imports:page")
        batch = import_upload(kind=kind, upload=upload, by=request.user, dry_run="dry_run" in request.POST)
        return redirect("imports:batch", pk=batch.pk)
    selected = request.GET.get("kind") if request.GET.get("kind") in import_kinds() else "enterprises"
    return render(request, "imports/page.html", {
        "nav": "imports",
        "kinds": import_kinds().values(),
        "selected": import_kinds()[selected],
        "columns": [(c, TYPE_LABELS[c.type], "、".join(choice_values(c)) if c.choices or c.type == "boolean" else "")
                    for c in import_kinds()[selected].columns],
        "may_import": user_may_import(request.user),
        "yuan_note": yuan_rule_note(),
        "batches": import_batches_listed(request.user)[:30],
        "kind_names": {code: kind.name for code, kind in import_kinds().items()},
    })


@require_safe
@login_required
def import_template(request, kind: str):
    if kind not in import_kinds():
        raise Http404("未知的导入类型")
    return FileResponse(io.BytesIO(import_template_bytes(kind=kind)), as_attachment=True,
                        filename=f"导入模板-{import_kinds()[kind].name}.xlsx")


@require_safe
@login_required
def import_batch(request, pk: int):
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    return render(request, "imports/batch.html", {
        "nav": "imports",
        "batch": batch,
        "kind": import_kinds().get(batch.kind),
        "errors": batch.errors,
        "errors_hidden": max(0, batch.errors_total - len(batch.errors)),
        "changes_hidden": max(0, batch.rows_updated - len(batch.changes)),
        "may_confirm": batch.status == ImportBatch.Status.DRY_RUN and batch.confirmation is None
        and user_may_import(request.user) and (user_may(request.user, Capability.ADMINISTER) or batch.by_id == request.user.pk),
        "confirmed_dry_run": getattr(batch, "confirmed_dry_run", None),  # the dry run this batch applied
    })


@require_POST
@login_required
def import_batch_confirm(request, pk: int):
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    if not user_may_import(request.user):
        raise PermissionDenied("您的账号没有导入数据的权限")
    try:
        applied = import_confirm(batch=batch, by=request.user)
    except ImportNotConfirmable as exc:
        messages.error(request, str(exc))
        return redirect("imports:batch", pk=batch.pk)
    return redirect("imports:batch", pk=applied.pk)


@require_safe
@login_required
def import_batch_file(request, pk: int):
    batch = get_object_or_404(import_batches_visible_to(request.user), pk=pk)
    if not batch.file:
        raise Http404("文件不存在")
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.original_name)
