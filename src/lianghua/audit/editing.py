"""Saving one record from a page: the model's own checks, a change record (who, which page, before and
after), and no lost update.

Every edit page carries the record's version: the id of its latest change record (0 for a record with
none). Saving locks the row and compares; when someone — another officer, an import — changed the record
since the page was opened, the save is refused with `EditConflict`, which holds the current record and
the changes made meanwhile, so the page can show the person their value, the current one and who
changed it. Imports write change records too, so an import in between is caught the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .changes import FieldChange, changes_described
from .models import ChangeRecord
from .services import change_record, snapshot, subject_key


def record_version(instance: models.Model) -> int:
    """The id of the record's latest change record; 0 when it has none (made before history was kept)."""
    if instance.pk is None:
        return 0
    latest = (ChangeRecord.objects.filter(model=instance._meta.label_lower, object_pk=str(instance.pk))
              .order_by("-id").values_list("id", flat=True).first())
    return latest or 0


@dataclass
class EditConflict(Exception):
    """The record changed after the page was opened (its version moved on)."""

    current: models.Model
    since: list[ChangeRecord]  # the changes made meanwhile, oldest first
    version: int  # the current version, for the page offered again

    def changed_fields(self) -> list[tuple[ChangeRecord, list[FieldChange]]]:
        described = changes_described(type(self.current), [(r.before, r.after) for r in self.since])
        return list(zip(self.since, described, strict=True))


def _locked_current(instance: models.Model, version: int | None) -> models.Model:
    model = type(instance)
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    now = record_version(current)
    if version is not None and version != now:
        since = list(ChangeRecord.objects.filter(model=model._meta.label_lower, object_pk=str(instance.pk),
                                                 id__gt=version).select_related("actor").order_by("id"))
        raise EditConflict(current=current, since=since, version=now)
    return current


@transaction.atomic
def record_save(*, instance: models.Model, values: Mapping[str, Any], by: Any, version: int | None,
                source: str, subject: models.Model | None = None, reason: str = "") -> models.Model:
    """Create `instance` (no pk yet) or update it with `values` (attname or field name -> value).

    An update is refused with EditConflict when `version` is no longer the record's (None: the caller
    holds the row already). The model's checks run (full_clean: field rules, constraints, clean()); a
    failure raises ValidationError and writes nothing. An update that changes nothing writes nothing.
    Returns the saved record."""
    creating = instance.pk is None
    target = instance if creating else _locked_current(instance, version)
    before = None if creating else snapshot(target)
    for name, value in values.items():
        setattr(target, name, value)
    target.full_clean()
    if not creating and snapshot(target) == before:
        return target
    target.save()
    change_record(actor=by, instance=target, before=before, source=source, subject=subject, reason=reason,
                  action=ChangeRecord.Action.CREATE if creating else ChangeRecord.Action.UPDATE)
    return target


@transaction.atomic
def record_delete(*, instance: models.Model, by: Any, version: int | None, reason: str, source: str,
                  subject: models.Model | None = None) -> None:
    """Delete a record, saying why; the change record keeps everything it held."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "删除须填写原因"})
    target = _locked_current(instance, version)
    before, pk = snapshot(target), target.pk
    try:
        target.delete()
    except models.ProtectedError as error:  # raised before any row is touched
        kinds = "、".join(sorted({str(o._meta.verbose_name) for o in error.protected_objects}))
        raise ValidationError(f"还有{len(error.protected_objects)}条关联的{kinds}记录，不能删除（请先处理这些记录）") from None
    change_record(actor=by, instance=target, action=ChangeRecord.Action.DELETE, before=before, source=source,
                  reason=reason, subject=subject, object_pk=pk)


def history_of(instance: models.Model, *, children: Mapping[type[models.Model], list[Any]] | None = None
               ) -> list[tuple[ChangeRecord, list[FieldChange]]]:
    """The 修改记录 of a record, newest first: its own changes, those of its current children
    (`children`: model -> ids, e.g. an enterprise's years) and those filed under it (a deleted year),
    each with the fields it changed."""
    condition = models.Q(model=instance._meta.label_lower, object_pk=str(instance.pk))
    condition |= models.Q(subject=subject_key(instance))
    for model, ids in (children or {}).items():
        if ids:
            condition |= models.Q(model=model._meta.label_lower, object_pk__in=[str(i) for i in ids])
    records = list(ChangeRecord.objects.filter(condition).select_related("actor").order_by("-id")[:500])
    by_model: dict[str, list[ChangeRecord]] = {}
    for record in records:
        by_model.setdefault(record.model, []).append(record)
    described: dict[int, list[FieldChange]] = {}
    for label, group in by_model.items():
        model = _model_of(label)
        if model is None:
            continue
        for record, fields in zip(group, changes_described(model, [(r.before, r.after) for r in group]),
                                  strict=True):
            described[record.pk] = fields
    return [(record, described.get(record.pk, [])) for record in records]


def _model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None
