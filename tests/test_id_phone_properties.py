"""The ID number and phone rules shared by every form and import, checked with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, example, given
from hypothesis import strategies as st

from app.core.idnumber import (
    birth_date,
    check_character,
    gender,
    id_number_error,
    make_id_number,
    upgrade_old_id_number,
)
from app.core.validation import FormField, clean_value, normalize_phone, phone_error

CHECK_ALPHABET = "0123456789X"
regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def id_numbers(draw) -> str:
    """A valid number: region, a real birth date (not in the future), sequence, check."""
    return make_id_number(draw(regions), draw(births), draw(sequences))


@given(regions, births, sequences)
def test_valid_id_numbers_are_accepted_and_decoded(region, birth, sequence):
    number = make_id_number(region, birth, sequence)
    assert id_number_error(number) is None
    assert birth_date(number) == birth
    assert gender(number) == ("男" if sequence % 2 else "女")
    field = FormField("id_number", "身份证号码", kind="id_number")
    # as a clerk types it: lower-case x, full-width digits, spaces
    typed = number.lower().translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert clean_value(field, f" {typed[:6]} {typed[6:]} ") == (number, None)


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from(CHECK_ALPHABET))
@example("11010519491231002X", 17, "0")
def test_every_one_character_corruption_is_rejected(number, position, replacement):
    assume(number[position] != replacement)
    corrupted = number[:position] + replacement + number[position + 1 :]
    assert id_number_error(corrupted) is not None


@given(id_numbers())
def test_all_single_substitutions_of_one_number_are_rejected(number):
    """Not sampled: each of the 17 × 9 + 10 one-character changes of the number is refused.

    GB 11643's MOD 11-2 check catches them all: a digit changed by k at a position of weight
    w moves the sum by w·k, never a multiple of 11 (11 is prime, 0 < |k| < 10, w ≠ 0 mod 11),
    and the eleven check characters are all different.
    """
    rejected = 0
    for position in range(18):
        alphabet = CHECK_ALPHABET if position == 17 else "0123456789"
        for replacement in alphabet:
            if replacement == number[position]:
                continue
            corrupted = number[:position] + replacement + number[position + 1 :]
            assert id_number_error(corrupted) is not None, corrupted
            rejected += 1
    assert rejected == 17 * 9 + 10


@given(id_numbers(), st.integers(min_value=0, max_value=15))
def test_swapped_neighbour_digits_are_rejected(number, position):
    # neighbouring weights differ, so swapping two different digits moves the sum off by
    # (a - b)(w1 - w2), never a multiple of 11
    a, b = number[position], number[position + 1]
    assume(a != b)
    swapped = number[:position] + b + a + number[position + 2 :]
    assert id_number_error(swapped) is not None


@given(st.text(alphabet="0123456789X²٣１ \n", max_size=20))
def test_arbitrary_text_never_crashes_and_non_ascii_is_refused(text):
    error = id_number_error(text)
    if error is None:
        assert text.isascii() and len(text) == 18


def test_impossible_birth_dates_are_rejected():
    tomorrow = date.today() + timedelta(days=1)
    for bad in (
        make_id_number("330122", tomorrow, 1),
        make_id_number("330122", date(1899, 12, 31), 1),
        "330122" + "19900230" + "123",  # 30 February
    ):
        if len(bad) == 17:
            bad += check_character(bad)
        assert "出生日期" in id_number_error(bad)


@given(
    st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    st.dates(date(1900, 1, 1), date(1999, 12, 31)),
    sequences,
)
def test_old_fifteen_digit_numbers_upgrade_to_valid_ones(region, birth, sequence):
    old = f"{region}{birth:%y%m%d}{sequence:03d}"
    new = upgrade_old_id_number(old)
    assert new == make_id_number(region, birth, sequence)
    assert id_number_error(new) is None


mobile_prefixes = st.sampled_from(["13", "14", "15", "16", "17", "18", "19"])
nine_digits = st.from_regex(r"[0-9]{9}", fullmatch=True)


@given(mobile_prefixes, nine_digits)
def test_valid_mobiles_are_accepted_however_typed(prefix, rest):
    mobile = prefix + rest
    assert phone_error(mobile) is None
    field = FormField("phone", "联系电话", kind="phone")
    full_width = mobile.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    for typed in (
        mobile,
        f"{mobile}.0",
        f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",
        f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
        f"+86 {mobile}",
        full_width,
    ):
        assert clean_value(field, typed) == (mobile, None), typed


@given(
    st.sampled_from(["010", "021", "0571", "0755", "0898"]),
    st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True),
)
def test_landlines_with_an_area_code_are_accepted(area, local):
    assume(len(area) == 4 or len(local) == 8)  # 010 and 02x have eight-digit numbers
    expected = f"{area}-{local}"
    assert phone_error(expected) is None
    assert normalize_phone(f"{area} {local}") == expected
    assert normalize_phone(f"({area}){local}") == expected


@given(
    st.one_of(
        st.from_regex(r"1[3-9][0-9]{8}", fullmatch=True),  # 10 digits
        st.from_regex(r"1[3-9][0-9]{10}", fullmatch=True),  # 12 digits
        st.from_regex(r"1[0-2][0-9]{9}", fullmatch=True),  # no such second digit
        st.from_regex(r"[02-9][0-9]{10}", fullmatch=True),  # does not start with 1
        st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),  # a landline without area code
        st.from_regex(r"1[3-9][0-9]{4}[A-Za-z][0-9]{4}", fullmatch=True),  # a letter inside
        st.sampled_from(["", "无", "1381234567８٣", "138 1234 567", "138123456789"]),
    )
)
def test_malformed_phones_are_rejected(typed):
    value = normalize_phone(typed)
    if value.startswith("0") and "-" in value:
        assume(False)  # a string of 11 digits from 0 can be a landline with its area code
    assert phone_error(value) is not None, (typed, value)


def test_the_rule_itself_takes_ascii_digits_and_nothing_after():
    assert phone_error("13812345678") is None
    assert phone_error("13812345678\n") is not None  # "$" alone would let this through
    assert phone_error("١٣٨١٢٣٤٥٦٧٨") is not None  # Arabic-Indic digits are digits to \d
    assert phone_error("0571-88881234") is None
    assert phone_error("0571-08881234") is not None  # a local number never starts with 0
