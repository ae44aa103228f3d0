"""The registry's edit forms: an enterprise, its yearly figures, credentials and digital levels. Labels and
rules come from the models (verbose names, validators, constraints); pages save them through
`audit.editing.record_save`, so every save is checked, recorded and refused when stale."""

import re
from typing import Any

from django import forms

from lianghua.accounts.forms import RegionField
from lianghua.core.forms import RecordForm

from .models import Credential, CredentialKind, DigitalLevel, Enterprise, EnterpriseYear, Industry
from .selectors import enterprises_visible_to

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Enterprises offered in a searchable list (a county has hundreds; a province's list is typed, not picked).
ENTERPRISE_OPTIONS_LISTED = 3000


def industry_option_text(industry: Industry) -> str:
    return f"{industry.code} {industry.name}"


class IndustryField(forms.CharField):
    """A GB/T 4754 division by code (C34, 34), name, or as the list offers it (C34 通用设备制造业)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "行业")
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "输入代码或名称搜索，如 C34、通用设备")
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "industry-options", "autocomplete": "off"})

    @property
    def options(self) -> list[str]:
        return [industry_option_text(i) for i in Industry.objects.filter(disabled_on__isnull=True)]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            value = Industry.objects.filter(pk=value).first()
        return industry_option_text(value) if isinstance(value, Industry) else value

    def clean(self, value: Any) -> Industry | None:
        text = (super().clean(value) or "").strip().upper()
        if not text:
            return None
        code = text.split()[0]
        for candidate in (code, f"C{code}"):
            found = Industry.objects.filter(code=candidate, disabled_on__isnull=True).first()
            if found:
                return found
        by_name = list(Industry.objects.filter(name__contains=text, disabled_on__isnull=True)[:2])
        if len(by_name) == 1:
            return by_name[0]
        raise forms.ValidationError(f"未知行业“{value}”（应为 GB/T 4754 制造业大类，如 C34）")


_CREDIT_CODE_IN_TEXT = re.compile(r"[0-9A-Z]{18}")


def enterprise_option_text(enterprise: Enterprise) -> str:
    return f"{enterprise.name}（{enterprise.credit_code}）"


class EnterpriseField(forms.CharField):
    """An enterprise of the user's scope by credit code or full name (or as the list offers it)."""

    def __init__(self, *, user: Any, **kwargs: Any) -> None:
        self.user = user
        kwargs.setdefault("label", "企业")
        kwargs.setdefault("help_text", "输入企业名称或统一社会信用代码")
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "enterprise-options", "autocomplete": "off"})

    @property
    def options(self) -> list[str]:
        visible = enterprises_visible_to(self.user).only("name", "credit_code")[:ENTERPRISE_OPTIONS_LISTED]
        return [enterprise_option_text(e) for e in visible]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            value = Enterprise.objects.filter(pk=value).first()
        return enterprise_option_text(value) if isinstance(value, Enterprise) else value

    def clean(self, value: Any) -> Enterprise | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        visible = enterprises_visible_to(self.user)
        code = _CREDIT_CODE_IN_TEXT.search(text.upper())
        found = (visible.filter(credit_code=code.group(0)).first() if code else None) or \
            (visible.filter(name=text).first() if visible.filter(name=text).count() == 1 else None)
        if found is None:
            raise forms.ValidationError(f"在您的管辖范围内未找到企业“{text}”")
        return found


class EnterpriseForm(RecordForm):
    """An enterprise: the credit code is set when it is registered and never changed after."""

    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "region", "industry", "contact_person", "contact_phone", "address",
                  "production_started_on"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = RegionField(user=user)
        self.fields["industry"] = IndustryField()
        if self.instance.pk:
            del self.fields["credit_code"]


class EnterpriseYearForm(RecordForm):
    class Meta:
        model = EnterpriseYear
        fields = ["year", "is_above_scale", "is_key_energy", "revenue_wan", "value_added_wan", "tax_wan",
                  "employees", "land_mu", "energy_tce", "rd_wan", "electricity_wan_kwh", "co2_t", "pollutant_t",
                  "coal_t", "natural_gas_wan_m3", "diesel_t", "heat_gj"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True  # the year names the row; another year is another row


class CredentialForm(RecordForm):
    class Meta:
        model = Credential
        fields = ["kind", "level", "item", "granted_on", "ends_on", "note"]
        widgets = {"granted_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ModelChoiceField)
        kind_field.queryset = CredentialKind.objects.filter(disabled_on__isnull=True)


class CredentialEndForm(RecordForm):
    """Ending a credential (到期 or 撤销): the date and a note."""

    class Meta:
        model = Credential
        fields = ["ends_on", "note"]
        widgets = {"ends_on": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = True


class DigitalLevelForm(RecordForm):
    class Meta:
        model = DigitalLevel
        fields = ["level", "assessed_on"]
        widgets = {"assessed_on": DATE_INPUT}
        help_texts = {"level": "1.0–4.0，保留一位小数"}
