"""Admin pieces every app may use."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LoadedDataAdmin(ReadOnlyAdmin):
    """Rows loaded from data/ by `lianghua init` (plans, indicators, industries, credential kinds): the
    admin shows them and changes nothing. A change is an edit of the data file, citing its source, and a
    re-run of init; deleting a plan here would also cascade to its targets and reported actuals."""
