"""GB 32100-2015 check character (shared/reference/domain-facts.md §6)."""

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
