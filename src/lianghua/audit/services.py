"""The one way to leave a trace. Services call these; views never do."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import ChangeRecord, DomainEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, FieldFile):  # an attachment: its stored name
        return value.name or ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# Never written to the change log: a password hash or a token's hash is a secret even hashed.
SECRET_FIELDS = frozenset({"password", "key_hash"})
SECRET_SHOWN = "（已隐去）"


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, JSON-ready (foreign keys as their ids; secrets hidden)."""
    return {f.attname: SECRET_SHOWN if f.attname in SECRET_FIELDS and getattr(instance, f.attname)
            else _jsonable(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def change_record(
    *, actor, instance: models.Model, action: str, before: dict | None = None, import_batch=None,
    source: str = "", reason: str = "", subject: models.Model | None = None, object_pk: Any = None,
) -> ChangeRecord:
    """One change of one record. `source` names the page, `reason` says why (a deletion needs one),
    `subject` is the record whose 修改记录 also lists it (a year's enterprise). A deleted instance has
    lost its pk: pass it as `object_pk`."""
    after = None if action == ChangeRecord.Action.DELETE else snapshot(instance)
    return ChangeRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        model=instance._meta.label_lower,
        object_pk=str(instance.pk if object_pk is None else object_pk),
        object_repr=str(instance)[:200],
        action=action,
        before=before,
        after=after,
        import_batch_id=getattr(import_batch, "pk", None),
        source=source[:64],
        reason=reason[:200],
        subject=subject_key(subject) if subject is not None else "",
    )


def subject_key(instance: models.Model) -> str:
    """How ChangeRecord.subject names a record: "enterprises.enterprise:12"."""
    return f"{instance._meta.label_lower}:{instance.pk}"


def change_records_bulk(
    *, actor, model_label: str, rows: Iterable[tuple[str, str, str, dict | None, dict | None]], import_batch=None
) -> int:
    """Many change rows at once, for imports: (object_pk, repr, action, before, after) each."""
    records = [
        ChangeRecord(
            actor=actor if getattr(actor, "pk", None) else None,
            model=model_label,
            object_pk=pk,
            object_repr=text[:200],
            action=action,
            before=before,
            after=after,
            import_batch_id=getattr(import_batch, "pk", None),
        )
        for pk, text, action, before, after in rows
    ]
    ChangeRecord.objects.bulk_create(records, batch_size=5000)
    return len(records)


def domain_event_record(*, kind: str, actor=None, region=None, **payload: Any) -> DomainEvent:
    """An event of one of the declared kinds (DomainEvent.Kind); an undeclared kind is a programming error."""
    if kind not in DomainEvent.Kind.values:
        raise ValueError(f"undeclared domain event kind {kind!r} (audit.models.DomainEvent.Kind)")
    return DomainEvent.objects.create(
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        region=region,
        payload={k: _jsonable(v) for k, v in payload.items()},
    )
