from django.db.models import QuerySet

from lianghua.accounts.scope import scope_queryset

from .models import ImportBatch


def import_batches_visible_to(user) -> QuerySet[ImportBatch]:
    """Batches run by users of the user's region subtree (administrators: every batch, also those run
    from the command line). Enterprise users see none."""
    return scope_queryset(user, ImportBatch.objects.select_related("by", "by__region"), region_field="by__region",
                          enterprise_field=None)


def import_batches_listed(user) -> QuerySet[ImportBatch]:
    """The visible batches as a list shows them: without their error, warning and change lists (a batch
    may keep thousands; a list needs only their counts)."""
    return import_batches_visible_to(user).defer("errors", "warnings", "changes")
