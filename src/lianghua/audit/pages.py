"""The one edit page and the one delete page every record uses: a form that carries the record's
version, saved through a service built on `audit.editing`; a stale save answers 409 with the person's
value, the current one and who changed it; a deletion asks for its reason.

The callers (enterprise, project, activity views) check scope and capability first and say how to
save; these pages never decide who may do what.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lianghua.core.formatting import EMPTY, decimal_plain, yes_no

from .editing import EditConflict, record_delete, record_version

# save(values, version) -> the saved record; values are the form's cleaned data.
Save = Callable[[dict[str, Any], int | None], models.Model]


def _version_posted(request: HttpRequest) -> int | None:
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else None


def _errors_to_form(form: forms.BaseForm, error: ValidationError) -> None:
    """A model check's errors (record_save's full_clean) on the form: on their field when it is one of
    the form's, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def record_form_page(request: HttpRequest, *, form: forms.BaseForm, instance: models.Model, title: str,
                     back: str, save: Save, done: Callable[[models.Model], str] | None = None,
                     note: str = "", template: str = "record_form.html") -> HttpResponse:
    """GET: the form. POST (the form bound to it): save, then back to `done(record)` (or `back`) with a
    message; invalid: the form with its errors (400); stale: the conflict page (409)."""
    version = record_version(instance) if instance.pk else 0
    context = {"form": form, "title": title, "back": back, "note": note, "version": version,
               "instance": instance}
    if request.method == "POST":
        posted = _version_posted(request)
        if form.is_valid():
            try:
                saved = save(dict(form.cleaned_data), posted if instance.pk else None)
            except EditConflict as conflict:
                return _conflict_page(request, form, conflict, context)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, f"已保存：{saved}")
                return redirect(done(saved) if done else back)
        context["version"] = posted if posted is not None else version
        return render(request, template, context, status=400)
    return render(request, template, context)


def _conflict_page(request: HttpRequest, form: forms.BaseForm, conflict: EditConflict,
                   context: dict[str, Any]) -> HttpResponse:
    """The person's values beside the current ones, and the changes made since they opened the page.
    The form comes back with their values and the current version: saving again is a deliberate choice."""
    rows = []
    for name, field in form.fields.items():
        mine = form.cleaned_data.get(name)
        current = getattr(conflict.current, name, None)
        if _shown(field, mine) != _shown(field, current):
            rows.append({"label": field.label, "mine": _shown(field, mine), "current": _shown(field, current)})
    context.update({"conflict": conflict, "conflict_rows": rows, "changed_since": conflict.changed_fields(),
                    "version": conflict.version})
    return render(request, "record_conflict.html", context, status=409)


def _shown(field: forms.Field, value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Decimal):
        return decimal_plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


class DeleteForm(forms.Form):
    reason = forms.CharField(label="删除原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "删除须填写原因"})


def record_delete_page(request: HttpRequest, *, instance: models.Model, title: str, back: str, done: str,
                       by: Any, source: str, subject: models.Model | None = None) -> HttpResponse:
    """Confirm a deletion with its reason; the change record keeps what the record held."""
    form = DeleteForm(request.POST or None)
    context = {"form": form, "title": title, "back": back, "instance": instance,
               "version": record_version(instance)}
    if request.method == "POST" and form.is_valid():
        try:
            record_delete(instance=instance, by=by, version=_version_posted(request),
                          reason=form.cleaned_data["reason"], source=source, subject=subject)
        except EditConflict as conflict:
            form.add_error(None, f"该记录在您打开页面后已被{_who(conflict)}修改，请查看最新内容后再决定是否删除。")
            context["version"] = conflict.version
            return render(request, "record_delete.html", context, status=409)
        except ValidationError as error:
            form.add_error(NON_FIELD_ERRORS, error)
        else:
            messages.success(request, f"已删除：{instance}")
            return redirect(done)
    return render(request, "record_delete.html", context, status=400 if request.method == "POST" else 200)


def _who(conflict: EditConflict) -> str:
    last = conflict.since[-1] if conflict.since else None
    return str(last.actor) if last is not None and last.actor is not None else "他人"
