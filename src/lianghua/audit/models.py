from django.conf import settings
from django.db import models


class SnapshotField(models.JSONField):
    """A row snapshot the platform writes itself (audit.services.snapshot, or the database in bulk
    imports). No CHECK (JSON_VALID) on SQLite: it parsed every snapshot again on insert, a tenth of the
    time of a 100,000-row import."""

    def db_check(self, connection):
        return None


class ChangeRecord(models.Model):
    """Row history: who changed which record, when, and its fields before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    # Imports write one row per changed record (100,000 at a time), so only the lookups the history
    # pages make are indexed: by record and by batch; time order follows the id. Who and which batch
    # are provenance, kept without a database constraint (Django still sets the actor to NULL on
    # delete): PostgreSQL would check both on every record, ~0.9 s per 100,000 at commit.
    at = models.DateTimeField(verbose_name="时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL,
                              db_index=False, db_constraint=False)
    model = models.CharField(verbose_name="记录类型", max_length=64)  # "projects.project"
    object_pk = models.CharField(verbose_name="记录编号", max_length=64)
    object_repr = models.CharField(verbose_name="记录", max_length=200, blank=True)
    action = models.CharField(verbose_name="操作", max_length=8, choices=Action.choices)
    before = SnapshotField(verbose_name="修改前", null=True, blank=True)
    after = SnapshotField(verbose_name="修改后", null=True, blank=True)
    # The import batch that wrote the change (imports.ImportBatch id), by value: the change log sits
    # below the imports app and knows no model of it.
    import_batch_id = models.BigIntegerField(verbose_name="导入批次", null=True, blank=True, db_index=True)
    # Where a person made the change (a page: "项目信息"), and why (required to delete).
    # db_default: the bulk history insert (audit/bulk.py) names only the columns it fills.
    source = models.CharField("来源", max_length=64, blank=True, default="", db_default="")
    reason = models.CharField("原因", max_length=200, blank=True, default="", db_default="")
    # The record whose 修改记录 also lists this change ("enterprises.enterprise:12" for one of its
    # years), so a deleted year still shows there. Set by page edits; imports leave it empty, and the
    # partial index then costs them nothing.
    subject = models.CharField(verbose_name="所属记录", max_length=80, blank=True, default="", db_default="")
    # The hash chain (audit/chain.py): the record's place in it and its link, set when it is sealed.
    chain_seq = models.BigIntegerField(verbose_name="审计链序号", null=True, blank=True, editable=False)
    chain_hash = models.CharField(verbose_name="审计链摘要", max_length=64, blank=True, default="", db_default="",
                                  editable=False)

    class Meta:
        verbose_name = "修改记录"
        verbose_name_plural = "修改记录"
        indexes = [models.Index(fields=["model", "object_pk"]),
                   models.Index(fields=["subject"], name="change_record_subject",
                                condition=~models.Q(subject="")),
                   models.Index(fields=["id"], name="change_record_unsealed", condition=models.Q(chain_seq__isnull=True))]
        constraints = [models.UniqueConstraint(fields=["chain_seq"], name="change_record_chain_seq",
                                               condition=models.Q(chain_seq__isnull=False))]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model} {self.object_repr}"


class DomainEvent(models.Model):
    """What matters to the programme: an import, a stage change, a 填报值, a subsidy, an account change."""

    class Kind(models.TextChoices):
        IMPORT_APPLIED = "import.applied", "数据导入"
        PROJECT_STAGE_CHANGED = "project.stage_changed", "项目阶段变更"
        TARGET_ACTUAL_REPORTED = "target.actual_reported", "填报实际值"
        REPORT_SUBMITTED = "report.submitted", "企业提交填报"
        REPORT_APPROVED = "report.approved", "填报审核通过"
        REPORT_RETURNED = "report.returned", "填报退回"
        REPORT_REMINDED = "report.reminded", "催报"
        SUBSIDY_SUBMITTED = "subsidy.submitted", "提交奖补申报"
        SUBSIDY_COMPUTED = "subsidy.computed", "奖补测算"
        SUBSIDY_STATUS_CHANGED = "subsidy.status_changed", "奖补申报状态变更"
        SUBSIDY_SETTING_CHANGED = "subsidy.setting_changed", "奖补参数设置"
        API_TOKEN_CREATED = "api_token.created", "生成API令牌"
        API_TOKEN_REVOKED = "api_token.revoked", "撤销API令牌"
        USER_PASSWORD_CHANGED = "user.password_changed", "修改用户密码"
        USER_SECOND_FACTOR_ENROLLED = "user.second_factor_enrolled", "启用动态口令"
        BULLETIN_PUBLISHED = "bulletin.published", "发布进度通报"
        BULLETIN_DRAFTED = "bulletin.drafted", "生成通报草稿"
        EVALUATION_DRAFTED = "evaluation.drafted", "生成评价草稿"
        EVALUATION_PUBLICISED = "evaluation.publicised", "评价结果公示"
        EVALUATION_RESCORED = "evaluation.rescored", "评价重新计算"
        EVALUATION_FINALISED = "evaluation.finalised", "评价定档"
        OBJECTION_FILED = "objection.filed", "提出评价异议"
        OBJECTION_ANSWERED = "objection.answered", "处理评价异议"
        EVALUATION_SETTING_CHANGED = "evaluation.setting_changed", "评价方法设置"
        EXEMPTION_CHANGED = "evaluation.exemption_changed", "不参加排名企业变更"
        DIAGNOSIS_SUBMITTED = "diagnosis.submitted", "提交在线诊断"
        DIAGNOSIS_RESCORED = "diagnosis.rescored", "在线诊断重新评分"
        DIAGNOSIS_PROJECT_CREATED = "diagnosis.project_created", "诊断建议转为储备项目"
        CULTIVATION_CHANGED = "cultivation.changed", "培育库调整"
        INEFFICIENT_CHANGED = "inefficient.changed", "高耗低效整治"

    at = models.DateTimeField(verbose_name="时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(verbose_name="事件类型", max_length=48, db_index=True, choices=Kind.choices)
    region = models.ForeignKey("regions.Region", verbose_name="区域", null=True, blank=True, on_delete=models.SET_NULL)
    payload = models.JSONField(verbose_name="内容", default=dict)
    chain_seq = models.BigIntegerField(verbose_name="审计链序号", null=True, blank=True, editable=False)
    chain_hash = models.CharField(verbose_name="审计链摘要", max_length=64, blank=True, default="", db_default="",
                                  editable=False)

    class Meta:
        verbose_name = "业务事件"
        verbose_name_plural = "业务事件"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["id"], name="domain_event_unsealed", condition=models.Q(chain_seq__isnull=True))]
        constraints = [models.UniqueConstraint(fields=["chain_seq"], name="domain_event_chain_seq",
                                               condition=models.Q(chain_seq__isnull=False))]

    def __str__(self) -> str:
        return self.get_kind_display()


class AuditChainHead(models.Model):
    """The end of one hash chain: its last sequence number and hash (audit/chain.py). `lianghua audit
    verify` prints the hash, so that an operator can keep it outside the system."""

    name = models.CharField(verbose_name="审计链", max_length=16, primary_key=True)
    seq = models.BigIntegerField(verbose_name="最后序号", default=0)
    hash = models.CharField(verbose_name="链尾摘要", max_length=64)
    sealed_at = models.DateTimeField(verbose_name="最近封存", null=True, blank=True)

    class Meta:
        verbose_name = "审计链"
        verbose_name_plural = "审计链"

    def __str__(self) -> str:
        return f"{self.name} #{self.seq}"
