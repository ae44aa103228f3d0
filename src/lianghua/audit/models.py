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
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              db_index=False, db_constraint=False)
    model = models.CharField(max_length=64)  # "projects.project"
    object_pk = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    before = SnapshotField(null=True, blank=True)
    after = SnapshotField(null=True, blank=True)
    # The import batch that wrote the change (imports.ImportBatch id), by value: the change log sits
    # below the imports app and knows no model of it.
    import_batch_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["model", "object_pk"])]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model} {self.object_repr}"


class DomainEvent(models.Model):
    """What matters to the programme: an import, a stage change, a target edit, a bulletin, a subsidy."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=48, db_index=True)  # "import.applied", "project.stage_changed"
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.kind
