"""The audit log, tamper-evident: change records and domain events are sealed into two hash chains.

A record is written as ever (one by one, or a million by an import in one statement), and sealed soon
after — by the worker every few minutes, or `lianghua audit seal` — in the order sealing finds it: it
gets the next sequence number of its chain and the hash SHA-256(previous hash ‖ its content). Changing a
sealed record, its number or its hash, or deleting one, breaks the chain from there;
`lianghua audit verify` recomputes every link and names the first broken one. The chain's end (number
and hash) is kept in AuditChainHead and printed by verify: kept outside the system (a log, a printout),
it also shows a chain rewritten from scratch.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditChainHead, ChangeRecord, DomainEvent

GENESIS = "0" * 64
SEAL_CHUNK = 5_000
CHAINS: dict[str, tuple[type[models.Model], str]] = {
    "change": (ChangeRecord, "修改记录"),
    "event": (DomainEvent, "业务事件"),
}


def _content_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in ("chain_seq", "chain_hash")]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    return value


def link_hash(previous: str, chain: str, seq: int, row: dict[str, Any]) -> str:
    """The hash of one link: the previous hash, the chain and place, and the record's content (its
    fields as stored, in a canonical JSON)."""
    content = json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False,
                         separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}|{chain}|{seq}|{content}".encode()).hexdigest()


def audit_seal(chunk: int = SEAL_CHUNK) -> dict[str, int]:
    """Seal every record not yet sealed, chunk by chunk (each chunk its own short transaction, with its
    chain's head locked, so two sealers never fork a chain). Returns the count sealed per chain."""
    sealed = {}
    for name, (model, _) in CHAINS.items():
        sealed[name] = 0
        fields = _content_fields(model)
        while True:
            with transaction.atomic():
                AuditChainHead.objects.get_or_create(name=name, defaults={"hash": GENESIS})
                head = AuditChainHead.objects.select_for_update().get(name=name)
                rows = list(model.objects.filter(chain_seq__isnull=True).order_by("id").values(*fields)[:chunk])
                if not rows:
                    break
                links = []
                for row in rows:
                    head.seq += 1
                    head.hash = link_hash(head.hash, name, head.seq, row)
                    links.append((head.seq, head.hash, row["id"]))
                # One prepared UPDATE per row (bulk_update's CASE over 1,000 rows took 4× as long).
                table = connection.ops.quote_name(model._meta.db_table)
                with connection.cursor() as cursor:
                    cursor.executemany(f"UPDATE {table} SET chain_seq = %s, chain_hash = %s WHERE id = %s", links)
                head.sealed_at = timezone.now()
                head.save()
                sealed[name] += len(rows)
    return sealed


@dataclass
class ChainState:
    name: str
    label: str
    sealed: int
    unsealed: int
    head_hash: str
    broken: str | None  # the first broken link, said for a person; None: the chain holds


def audit_verify() -> list[ChainState]:
    """Every link of every chain recomputed, in order; the first that does not hold is named."""
    states = []
    for name, (model, label) in CHAINS.items():
        head = AuditChainHead.objects.filter(name=name).first()
        fields = _content_fields(model)
        previous, expected, broken = GENESIS, 1, None
        rows = model.objects.filter(chain_seq__isnull=False).order_by("chain_seq").values(
            *fields, "chain_seq", "chain_hash")
        for row in rows.iterator(chunk_size=5000):
            seq, stored = row.pop("chain_seq"), row.pop("chain_hash")
            when = timezone.localtime(row["at"]).strftime("%Y-%m-%d %H:%M:%S") if row.get("at") else ""
            if seq != expected:
                broken = (f"{label}审计链缺少第 {expected:,} 环"
                          f"{'至第 ' + format(seq - 1, ',') + ' 环' if seq - 1 > expected else ''}：已封存的记录被删除"
                          f"（下一条是第 {seq:,} 环，编号 #{row['id']}，{when}）")
                break
            if link_hash(previous, name, seq, row) != stored:
                broken = (f"{label}审计链第 {seq:,} 环（编号 #{row['id']}，{when}）与其摘要不符："
                          "该记录在封存后被改动，或其摘要被改写")
                break
            previous, expected = stored, expected + 1
        last_seq = expected - 1
        if broken is None and head is not None and (head.seq != last_seq or head.hash != previous):
            broken = (f"{label}审计链的链尾不符：应有 {head.seq:,} 环，现存 {last_seq:,} 环"
                      "（末尾的记录被删除，或链尾被改写）")
        states.append(ChainState(name=name, label=label, sealed=last_seq,
                                 unsealed=model.objects.filter(chain_seq__isnull=True).count(),
                                 head_hash=head.hash if head else GENESIS, broken=broken))
    return states
