"""/api/v1/regions/: the regions the acting user may open — their scope, which accounts decide."""

from ninja import Field, Router, Schema

from .selectors import regions_visible_to

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str = Field(description="区划代码（功能区为内部代码）")
    name: str = Field(description="名称")
    short_name: str = Field(description="简称")
    kind: str = Field(description="类型：province 省 / city 市 / county 县（市、区）/ zone 功能区 / town 镇（街道）")
    parent_code: str | None = Field(description="上级区域代码")
    depth: int = Field(description="层级：0 省，1 市，2 县，3 镇")


@router.get("/", response=list[RegionOut], summary="可查看的区域（当前用户区域及其下级）")
def region_list(request):
    regions = regions_visible_to(request.user).filter(disabled_on__isnull=True).select_related("parent")
    return [
        {"code": r.code, "name": r.name, "short_name": r.short_name, "kind": r.kind,
         "parent_code": r.parent.code if r.parent else None, "depth": r.depth}
        for r in regions.order_by("path")
    ]
