"""Form fields that depend on who is filling the form in: a region inside the user's scope."""

import re
from typing import Any

from django import forms

from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve

from .scope import user_home_region, user_sees_region
from .selectors import region_options

_CODE_IN_BRACKETS = re.compile(r"[（(]\s*(\d{6,12})\s*[)）]\s*$")


def region_option_text(region: Region) -> str:
    """How a region is offered in a searchable list and read back: 武原街道（330424001）."""
    return f"{region.name}（{region.code}）"


class RegionField(forms.CharField):
    """A region typed or picked by name, short name, alias or code — or as the list offers it,
    "武原街道（330424001）" — and only inside the user's scope."""

    def __init__(self, *, user: Any, **kwargs: Any) -> None:
        self.user = user
        kwargs.setdefault("label", "所属区域")
        kwargs.setdefault("help_text", "输入名称或区划代码搜索，如 武原、百步镇、330424102")
        super().__init__(**kwargs)
        self.options = [region_option_text(r) for r in region_options(user)]
        self.widget.attrs.update({"list": "region-options", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Region):
            return region_option_text(value)
        if isinstance(value, int):
            region = Region.objects.filter(pk=value).first()
            return region_option_text(region) if region else ""
        return value

    def clean(self, value: Any) -> Region | None:
        text = super().clean(value)
        if not text:
            return None
        matched = _CODE_IN_BRACKETS.search(text)
        try:
            region = region_resolve(matched.group(1) if matched else text, within=user_home_region(self.user))
        except Region.DoesNotExist as error:
            raise forms.ValidationError(str(error.args[0]) if error.args else "未知区域") from None
        if not user_sees_region(self.user, region):
            raise forms.ValidationError(f"{region.name}不在您的管辖范围内")
        return region
