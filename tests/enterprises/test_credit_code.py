"""GB 32100-2015 check character (shared/reference/domain-facts.md §6)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from lianghua.enterprises.credit_code import CHARSET, credit_code_check_char, credit_code_problem


def test_weights_are_powers_of_three_mod_31():
    from lianghua.enterprises.credit_code import WEIGHTS

    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_hand_computed_check_character():
    # 91330424MA00000001 + check: Σ value×weight over the first 17 characters, worked by hand:
    # 9·1 + 1·3 + 3·9 + 3·27 + 0·19 + 4·26 + 2·16 + 4·17 + M(21)·20 + A(10)·29 + 0·25 + … + 0·10 + 0·30 + 1·28
    # = 9 + 3 + 27 + 81 + 0 + 104 + 32 + 68 + 420 + 290 + 28 = 1062; 1062 mod 31 = 8; 31 − 8 = 23,
    # and character 23 of 0-9 A-H J-N P… is 'P'.
    assert credit_code_check_char("91330424MA0000001") == "P"
    assert credit_code_problem("91330424MA0000001P") is None


def test_wrong_check_character_names_the_expected_one():
    assert credit_code_problem("91330424MA0000001N") == "校验位错误（应为P）"


def test_length_and_alphabet_errors():
    assert credit_code_problem("9133042") == "应为18位，实际7位"
    assert "不允许的字符" in credit_code_problem("91330424MA0000001I")
    assert "不允许的字符" in credit_code_problem("913304X4MA0000001N")


@given(st.text(alphabet=CHARSET, min_size=10, max_size=10), st.sampled_from(["330424", "330402", "110101"]))
def test_generated_codes_validate_and_any_single_change_of_the_check_fails(tail, area):
    body = "91" + area + tail[:9]
    code = body + credit_code_check_char(body)
    assert credit_code_problem(code) is None
    other = next(c for c in CHARSET if c != code[17])
    assert credit_code_problem(code[:17] + other) is not None


def test_unicode_digits_are_refused_not_crashed_on():
    # \d would take full-width digits, and the check character has no value for them.
    assert "不允许的字符" in credit_code_problem("91３３０４２４MA0000001P")


# The model field validator: the admin form and any full_clean refuse what imports refuse.

BAD = "123456789012345670"  # the right check character would be 8


def test_the_audits_example_carries_a_correct_check_character():
    # 123456789012345678 (the audit's example) passes GB 32100's check character (C18 = 8): the check
    # refuses it only once a digit is off. Its embedded 组织机构代码 (positions 9–17) fails GB 11714, a
    # second check this platform does not make (domain-facts.md §6 calls it optional).
    assert credit_code_check_char("12345678901234567") == "8"
    assert credit_code_problem(BAD) == "校验位错误（应为8）"


@pytest.mark.django_db
def test_full_clean_refuses_a_code_with_a_wrong_check_character():
    from lianghua.enterprises.models import Enterprise
    from lianghua.regions.models import Region

    enterprise = Enterprise(credit_code=BAD, name="校验测试有限公司", region=Region.objects.get(code="330424102"))
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    assert caught.value.message_dict["credit_code"] == [f"统一社会信用代码“{BAD}”{credit_code_problem(BAD)}"]
    assert "校验位错误" in caught.value.message_dict["credit_code"][0]
    enterprise.credit_code = "91330424MA0000001P"
    enterprise.full_clean()


def _admin_add(client, credit_code):
    from lianghua.regions.models import Region

    return client.post("/admin/enterprises/enterprise/add/", {
        "credit_code": credit_code, "name": "后台新增测试有限公司",
        "region": Region.objects.get(code="330424102").pk, "industry": "",
    })


@pytest.mark.django_db
def test_the_admin_add_form_refuses_a_bad_code_in_chinese_and_saves_nothing(client, admin_user):
    from lianghua.audit.models import ChangeRecord
    from lianghua.enterprises.models import Enterprise

    client.force_login(admin_user)
    for bad in (BAD, "91330424MA0000001N", "9133042"):
        response = _admin_add(client, bad)
        assert response.status_code == 200
        assert "统一社会信用代码“" in response.content.decode()
        assert response.context["adminform"].form.errors["credit_code"]
    assert not Enterprise.objects.filter(name="后台新增测试有限公司").exists()
    assert not ChangeRecord.objects.filter(model="enterprises.enterprise").exists()
    assert _admin_add(client, "91330424MA0000001P").status_code == 302
    created = Enterprise.objects.get(credit_code="91330424MA0000001P")
    assert ChangeRecord.objects.get(model="enterprises.enterprise", object_pk=str(created.pk)).action == "create"
