"""The audit log is tamper-evident: change records and domain events are sealed into hash chains, and
`lianghua audit verify` names the first broken link — an edited record, an edited hash, a deleted
record in the middle or at the end."""


import pytest
from django.core.management import call_command

from lianghua.audit.chain import audit_seal, audit_verify
from lianghua.audit.models import AuditChainHead, ChangeRecord, DomainEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed_log(county_officer):
    audit_seal()  # what loading the reference data recorded
    first = ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for n in range(5):
        ChangeRecord.objects.create(actor=county_officer, model="projects.project", object_pk=str(n),
                                    object_repr=f"项目{n}", action="update", before={"stage": "在建"},
                                    after={"stage": "竣工", "投资": 1200.5})
        DomainEvent.objects.create(kind="project.stage_changed", actor=county_officer, payload={"project": n})
    assert audit_seal(chunk=2) == {"change": 5, "event": 5}  # chunks of two: the chain runs on across them
    return ChangeRecord.objects.filter(id__gt=first).order_by("chain_seq")


def broken(name="change"):
    return next(s for s in audit_verify() if s.name == name).broken


def test_a_sealed_log_verifies_and_new_records_are_sealed_after_the_old(sealed_log):
    assert [s.broken for s in audit_verify()] == [None, None]
    seqs = list(sealed_log.values_list("chain_seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + 5))
    added = ChangeRecord.objects.create(model="projects.project", object_pk="9", action="create")
    state = next(s for s in audit_verify() if s.name == "change")
    assert (state.sealed, state.unsealed, state.broken) == (seqs[-1], 1, None)
    assert audit_seal() == {"change": 1, "event": 0}
    assert ChangeRecord.objects.get(pk=added.pk).chain_seq == seqs[-1] + 1
    assert AuditChainHead.objects.get(name="change").seq == seqs[-1] + 1 and broken() is None


def test_an_edited_record_is_named(sealed_log):
    third = sealed_log[2]
    ChangeRecord.objects.filter(pk=third.pk).update(after={"stage": "验收", "投资": 1200.5})
    assert broken().startswith(f"修改记录审计链第 {third.chain_seq:,} 环（编号 #{third.pk}，")
    assert broken().endswith("与其摘要不符：该记录在封存后被改动，或其摘要被改写")


def test_an_edited_actor_or_time_is_named(sealed_log, admin_user):
    ChangeRecord.objects.filter(pk=sealed_log[0].pk).update(actor=admin_user)
    assert f"第 {sealed_log[0].chain_seq:,} 环" in broken()


def test_a_rewritten_hash_is_named(sealed_log):
    ChangeRecord.objects.filter(pk=sealed_log[1].pk).update(chain_hash="f" * 64)
    assert f"第 {sealed_log[1].chain_seq:,} 环" in broken()


def test_a_deleted_record_in_the_middle_is_named(sealed_log):
    second = sealed_log[1]
    ChangeRecord.objects.filter(pk=second.pk).delete()
    assert broken().startswith(f"修改记录审计链缺少第 {second.chain_seq:,} 环：已封存的记录被删除")


def test_a_deleted_last_record_is_named(sealed_log):
    last = sealed_log[4]
    ChangeRecord.objects.filter(pk=last.pk).delete()
    assert broken() == (f"修改记录审计链的链尾不符：应有 {last.chain_seq:,} 环，现存 {last.chain_seq - 1:,} 环"
                        "（末尾的记录被删除，或链尾被改写）")


def test_events_have_their_own_chain(sealed_log):
    event = DomainEvent.objects.order_by("-chain_seq")[1]
    DomainEvent.objects.filter(pk=event.pk).update(payload={"project": 99})
    assert broken("change") is None
    assert broken("event").startswith(f"业务事件审计链第 {event.chain_seq:,} 环（编号 #{event.pk}，")


def test_the_command_exits_1_naming_the_break(sealed_log, capsys):
    call_command("audit", "verify")
    assert f"修改记录：{sealed_log[4].chain_seq:,} 条已封存，链完整" in capsys.readouterr().out
    ChangeRecord.objects.filter(pk=sealed_log[0].pk).update(object_repr="改过")
    with pytest.raises(SystemExit) as stopped:
        call_command("audit", "verify")
    assert stopped.value.code == 1
    assert f"修改记录审计链第 {sealed_log[0].chain_seq:,} 环" in capsys.readouterr().err


def test_an_import_of_many_rows_is_sealed_whole(sheet_rows_import):
    count = ChangeRecord.objects.count()
    assert count >= 300
    audit_seal(chunk=128)
    assert ChangeRecord.objects.filter(chain_seq__isnull=True).count() == 0
    assert [s.broken for s in audit_verify()] == [None, None]


@pytest.fixture
def sheet_rows_import(tmp_path, county_officer):
    from lianghua.imports.services import import_run
    from tests.factories import valid_credit_code

    path = tmp_path / "e.csv"
    path.write_text("统一社会信用代码,企业名称,所属区域,行业代码\n" + "".join(
        f"{valid_credit_code(3000 + n)},企业{n},武原街道,C34\n" for n in range(300)), encoding="utf-8")
    assert import_run(kind="enterprises", path=path, by=county_officer).status == "applied"


