import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from enterprises.uscc import (
    ALPHABET,
    build_uscc,
    calc_check_character,
    is_valid_uscc,
    looks_like_uscc,
    validate_uscc,
)

# The six codes of the thesis (rules.md §2.2).
THESIS_CODES = [
    "91440101327598294H",
    "915001145922900208",
    "91410185712676009N",
    "91330100799655058B",
    "91330481785659568L",
    "91330501MA2D1CD2XH",
]


def error_code(value: str) -> str:
    with pytest.raises(ValidationError) as info:
        validate_uscc(value)
    return info.value.code


@pytest.mark.parametrize("code", THESIS_CODES)
def test_thesis_codes_are_accepted(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize("code", THESIS_CODES)
def test_broken_length_is_named(code):
    with pytest.raises(ValidationError) as info:
        validate_uscc(code[:-1])
    assert info.value.code == "length"
    assert "18" in str(info.value.message % info.value.params)
    assert error_code(code + "1") == "length"


@pytest.mark.parametrize("code", THESIS_CODES)
@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "中", "-"])
def test_broken_alphabet_is_named_with_position(code, bad):
    broken = code[:10] + bad + code[11:]
    if bad == "-":
        # A separator is stripped as users paste "9133 0100 …": the length is then wrong.
        assert error_code(broken) == "length"
        return
    with pytest.raises(ValidationError) as info:
        validate_uscc(broken)
    assert info.value.code == "charset"
    assert info.value.params["position"] == 11


@pytest.mark.parametrize("code", THESIS_CODES)
def test_broken_check_character_is_named(code):
    wrong = next(c for c in ALPHABET if c != code[-1])
    with pytest.raises(ValidationError) as info:
        validate_uscc(code[:-1] + wrong)
    assert info.value.code == "checksum"
    assert info.value.params["expected"] == code[-1]


def test_letter_prefixed_code_with_correct_check_is_accepted():
    # stdnum's validate() rejects a letter in the first two places; registration
    # authorities N (agriculture) and Y (other) issue such codes.
    for prefix in ("N2", "Y1", "A1"):
        first17 = prefix + "330100" + "MA2D1CD2X"
        code = first17 + calc_check_character(first17)
        assert validate_uscc(code) == code
        wrong = next(c for c in ALPHABET if c != code[-1])
        assert error_code(code[:-1] + wrong) == "checksum"


def test_unknown_registration_authority_and_division_are_named():
    first17 = "X1330100MA2D1CD2X"
    assert error_code(first17 + calc_check_character(first17)) == "authority"
    first17 = "91A30100MA2D1CD2X"
    assert error_code(first17 + calc_check_character(first17)) == "division"


def test_lower_case_and_spaces_are_normalised():
    assert validate_uscc(" 91330501ma2d1cd2xh ") == "91330501MA2D1CD2XH"


def test_looks_like_uscc_only_for_code_like_queries():
    assert looks_like_uscc("91330501MA2D1CD2XX")
    assert not looks_like_uscc("阿里巴巴")
    assert not looks_like_uscc("alibaba")


def test_every_valid_code_looks_like_one_whatever_its_digits():
    code = build_uscc("N2", "330100", "ABCDEFGH")
    assert sum(c.isdigit() for c in code) < 10 and is_valid_uscc(code)
    assert looks_like_uscc(code) and looks_like_uscc(f" {code[:6]} {code[6:].lower()} ")
    assert not looks_like_uscc("ABCDEFGHJKLMNPQRTU")  # 18 letters, not a valid code


@given(
    division=st.sampled_from(["330100", "330106", "110000", "440101"]),
    body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
    prefix=st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "N1", "Y1"]),
)
def test_built_codes_validate(division, body, prefix):
    assert is_valid_uscc(build_uscc(prefix, division, body))


@given(
    body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from(ALPHABET),
)
def test_any_single_substitution_is_detected(body, position, replacement):
    code = build_uscc("91", "330100", body)
    if code[position] == replacement:
        return
    mutated = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_uscc(mutated)
