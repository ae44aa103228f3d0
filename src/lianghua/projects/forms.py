"""The project pipeline's edit forms: a project (every field but its stage and health, which change by
their own buttons with a date and a reason), a monthly report, an activity, a stage change, a health
change. Labels and rules come from the models and projects/invariants.py."""

import datetime as dt
import re
from typing import Any

from django import forms

from lianghua.accounts.forms import RegionField
from lianghua.core.forms import RecordForm
from lianghua.enterprises.forms import DATE_INPUT, EnterpriseField

from .models import Activity, Project, ProjectProgress
from .stages import STAGE_CHOICES

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")


class MonthField(forms.DateField):
    """A month typed or picked as 2025-03 (or 2025年3月), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value.replace(day=1)
        if value in (None, ""):
            return None
        matched = _MONTH.match(str(value))
        if matched is None or not 1 <= int(matched.group(2)) <= 12:
            raise forms.ValidationError(f"“{value}”不是月份（应如 2025-03）")
        return dt.date(int(matched.group(1)), int(matched.group(2)), 1)


PROJECT_FIELDS = ["code", "name", "enterprise", "category", "subtype", "total_investment_wan",
                  "equipment_investment_wan", "it_investment_wan", "civil_investment_wan", "planned_start",
                  "planned_end", "actual_start", "actual_end", "accepted_on", "energy_saved_tce",
                  "energy_saving_verified", "co2_cut_t", "water_saved_t", "robots_added", "provincial_key_year",
                  "municipal_key_year"]


class ProjectForm(RecordForm):
    """A project's record. Its stage is set when it is registered (储备 unless an officer says
    otherwise) and changed afterwards by the stage buttons, which date the change in the stage log."""

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "stage"]
        widgets = {name: DATE_INPUT for name in ("planned_start", "planned_end", "actual_start", "actual_end",
                                                  "accepted_on")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = EnterpriseField(user=user)
        if self.instance.pk:
            del self.fields["stage"]
            self.fields["code"].disabled = True  # the code names the project in imports and reports


class ProgressForm(RecordForm):
    month = MonthField(label="月份")

    class Meta:
        model = ProjectProgress
        fields = ["month", "cumulative_investment_wan"]
        help_texts = {"cumulative_investment_wan": "自开工起累计，逐月不减少"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["month"].disabled = True


class ActivityForm(RecordForm):
    class Meta:
        model = Activity
        fields = ["date", "region", "kind", "title", "attendance"]
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = RegionField(user=user)


class StageForm(forms.Form):
    """Move a project to another stage: forward as its dates allow, to 终止, or back as a correction."""

    to_stage = forms.ChoiceField(label="变更为", choices=STAGE_CHOICES)
    changed_on = forms.DateField(label="变更日期", required=False, widget=DATE_INPUT,
                                 help_text="不填则取该阶段的日期字段（实际开工/竣工/验收日期），否则为今天")
    note = forms.CharField(label="说明", max_length=200, required=False,
                           help_text="终止或退回前一阶段（更正）时必填")


class HealthForm(forms.Form):
    health = forms.ChoiceField(label="运行状态", choices=Project.Health.choices)
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写原因"})


class ProjectProposalForm(RecordForm):
    """A new project as an enterprise proposes it: an officer gives it its code and accepts it into 储备."""

    class Meta:
        model = Project
        fields = ["name", "category", "subtype", "total_investment_wan", "equipment_investment_wan",
                  "it_investment_wan", "civil_investment_wan", "planned_start", "planned_end", "robots_added",
                  "energy_saved_tce", "co2_cut_t", "water_saved_t"]
        widgets = {name: DATE_INPUT for name in ("planned_start", "planned_end")}
