"""An officer's import errors never reveal what lies outside their region.

A 百步镇 officer who names a 武原街道 enterprise or project reads the very message they would read for
one that does not exist; a row that would create what 武原街道 already has is refused without saying
whose it is or where.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from lianghua.accounts.models import ApiToken
from lianghua.enterprises.models import Credential, DigitalLevel, Enterprise, EnterpriseYear
from lianghua.imports.kinds import import_kind
from lianghua.imports.models import ImportBatch
from lianghua.imports.services import import_run, problem_text
from lianghua.projects.models import Project, ProjectProgress
from tests.factories import EnterpriseFactory, ProjectFactory, ProjectProgressFactory, valid_credit_code

pytestmark = pytest.mark.django_db

WUYUAN_CODE = valid_credit_code(1500)  # stored in 武原街道
BAIBU_CODE = valid_credit_code(1501)  # stored in 百步镇
UNKNOWN_CODE = valid_credit_code(1502)  # stored nowhere
WUYUAN_NAME = "海盐保密精工有限公司"
WUYUAN_PROJECT_NAME = "保密精工智能工厂项目"
# Everything about the 武原 records a 百步镇 officer must not learn from an error.
OUT_OF_SCOPE = (WUYUAN_NAME, WUYUAN_PROJECT_NAME, "武原", "330424001", "4321", "2024-11", "321万元")


@pytest.fixture
def wuyuan_records(db):
    enterprise = EnterpriseFactory(credit_code=WUYUAN_CODE, name=WUYUAN_NAME, region_code="330424001")
    project = ProjectFactory(code="WY-001", name=WUYUAN_PROJECT_NAME, enterprise=enterprise,
                             total_investment_wan=Decimal("4321"))
    ProjectProgressFactory(project=project, month=datetime.date(2024, 11, 1), cumulative_investment_wan=Decimal("321"))
    EnterpriseFactory(credit_code=BAIBU_CODE, region_code="330424102")
    return enterprise


def project_row(code: str, credit_code: str) -> list:
    values = {"项目编号": code, "项目名称": "百步新项目", "统一社会信用代码": credit_code, "项目类别": "数字化",
              "总投资(万元)": 500, "计划开工日期": "2025-01-01", "计划竣工日期": "2025-12-31", "项目阶段": "在库"}
    return [values.get(header, "") for header in import_kind("projects").headers]


# (kind, a row naming the 武原 record, the same row naming one that does not exist, the key in both)
REFERENCES = [
    ("enterprise-years", [WUYUAN_CODE, 2025, "是", "否", 5000, 1200, 300, 50, 20, 1500, 100], WUYUAN_CODE),
    ("credentials", [WUYUAN_CODE, "绿色工厂", "省级", "2025-03-01", ""], WUYUAN_CODE),
    ("digital-levels", [WUYUAN_CODE, 2.5, "2025-03-01"], WUYUAN_CODE),
    ("projects", project_row("BB-001", WUYUAN_CODE), WUYUAN_CODE),
    ("progress", ["WY-001", "2024-10", 999], "WY-001"),  # in scope, 999 above the stored 321 would be an error
]


def messages_of(batch: ImportBatch) -> list[str]:
    return [problem_text(p) for p in batch.errors + batch.warnings]


def assert_nothing_out_of_scope(texts) -> None:
    for text in texts:
        for secret in OUT_OF_SCOPE:
            assert secret not in text, (secret, text)


@pytest.mark.parametrize("kind, row, key", REFERENCES, ids=[r[0] for r in REFERENCES])
def test_a_record_outside_the_region_reads_as_one_that_does_not_exist(sheet, baibu_officer, wuyuan_records,
                                                                      kind, row, key):
    unknown_key = UNKNOWN_CODE if key == WUYUAN_CODE else "XX-404"
    outside = import_run(kind=kind, path=sheet(kind, [row], name="outside.csv"), by=baibu_officer)
    unknown = import_run(kind=kind, path=sheet(kind, [[unknown_key if v == key else v for v in row]],
                                               name="unknown.csv"), by=baibu_officer)
    assert outside.status == unknown.status == ImportBatch.Status.REJECTED
    assert_nothing_out_of_scope(messages_of(outside))
    assert [m.replace(key, "…") for m in messages_of(outside)] == [
        m.replace(unknown_key, "…") for m in messages_of(unknown)]
    noun = f"项目“{key}”（请先导入项目）" if kind == "progress" else \
        f"统一社会信用代码为“{key}”的企业（请先导入企业名录）"
    assert messages_of(outside) == [f"第2行 [{'项目编号' if kind == 'progress' else '统一社会信用代码'}] "
                                    f"在您的管辖范围（百步镇）内未找到{noun}"]


def test_creating_what_exists_outside_the_region_is_refused_without_naming_it(sheet, baibu_officer, wuyuan_records):
    enterprises = import_run(kind="enterprises", path=sheet("enterprises", [[WUYUAN_CODE, "百步新企业", "百步", "C34"]]),
                             by=baibu_officer)
    projects = import_run(kind="projects", path=sheet("projects", [project_row("WY-001", BAIBU_CODE)]),
                          by=baibu_officer)
    assert messages_of(enterprises) == ["第2行 [统一社会信用代码] 该统一社会信用代码已在您管辖范围以外登记，不能在此导入"]
    assert messages_of(projects) == ["第2行 [项目编号] 项目编号“WY-001”已被使用，请换用其他编号"]
    assert_nothing_out_of_scope(messages_of(enterprises) + messages_of(projects))
    # …and changes nothing.
    assert Enterprise.objects.get(credit_code=WUYUAN_CODE).name == WUYUAN_NAME
    assert Project.objects.get(code="WY-001").name == WUYUAN_PROJECT_NAME


def test_nothing_of_the_other_region_is_written(sheet, baibu_officer, wuyuan_records):
    for kind, row, _key in REFERENCES:
        import_run(kind=kind, path=sheet(kind, [row]), by=baibu_officer)
    assert not EnterpriseYear.objects.exists() and not Credential.objects.exists()
    assert not DigitalLevel.objects.exists() and not Project.objects.filter(code="BB-001").exists()
    assert list(ProjectProgress.objects.values_list("month", flat=True)) == [datetime.date(2024, 11, 1)]


def test_page_api_and_command_show_the_same_discreet_errors(sheet, client, capsys, baibu_officer, wuyuan_records):
    path = sheet("progress", [["WY-001", "2024-10", 999]])
    expected = "第2行 [项目编号] 在您的管辖范围（百步镇）内未找到项目“WY-001”（请先导入项目）"

    client.force_login(baibu_officer)
    upload = SimpleUploadedFile("进度.csv", path.read_bytes(), content_type="text/csv")
    page = client.post("/imports/", {"kind": "progress", "file": upload}, follow=True).content.decode()
    assert "在您的管辖范围（百步镇）内未找到项目“WY-001”（请先导入项目）" in page
    assert_nothing_out_of_scope([page])

    key = ApiToken.new_key()
    ApiToken.objects.create(user=baibu_officer, name="脚本", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    upload = SimpleUploadedFile("进度.csv", path.read_bytes(), content_type="text/csv")
    body = client.post("/api/v1/imports/progress", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [problem_text(e) for e in body["errors"]] == [expected]
    assert_nothing_out_of_scope([json.dumps(body, ensure_ascii=False)])

    with pytest.raises(SystemExit):
        call_command("import", "progress", str(path), "--user", baibu_officer.username)
    output = capsys.readouterr()
    assert expected in output.err
    assert_nothing_out_of_scope([output.out, output.err])
