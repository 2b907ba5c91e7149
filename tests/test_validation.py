"""Field rules, ID numbers and masking: the checks every form and import relies on."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.idnumber import birth_date, gender, id_number_error, make_id_number
from app.core.privacy import mask_id_number, mask_phone
from app.core.validation import FormField, ValidationError, clean_values, normalize_phone


@given(
    st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_made_id_numbers_are_valid_and_decode(birth, sequence):
    number = make_id_number("330122", birth, sequence)
    assert id_number_error(number) is None
    assert birth_date(number) == birth
    assert gender(number) == ("男" if sequence % 2 else "女")


def test_known_id_number_and_bad_ones():
    assert id_number_error("11010519491231002X") is None  # the standard's own example
    assert "校验位" in id_number_error("110105194912310021")
    assert "出生日期" in id_number_error("110105194913310025")
    assert "18位" in id_number_error("11010519491231002")


def test_phones_are_normalised_as_a_clerk_types_them():
    assert normalize_phone("１３８ １２３４ ５６７８") == "13812345678"
    assert normalize_phone("13812345678.0") == "13812345678"
    assert normalize_phone("0571 8888 1234") == "0571-88881234"
    assert normalize_phone("021-59701234") == "021-59701234"


def test_clean_values_reports_every_bad_field_in_chinese():
    fields = (
        FormField("name", "姓名", required=True),
        FormField("phone", "手机", kind="phone"),
        FormField("id_number", "身份证号码", kind="id_number"),
        FormField("size", "人数", kind="int", minimum=1),
    )
    with pytest.raises(ValidationError) as raised:
        clean_values(
            fields, {"name": " ", "phone": "123", "id_number": "110105194912310021", "size": "0"}
        )
    errors = raised.value.errors
    assert errors["name"] == "姓名不能为空"
    assert errors["phone"].startswith("手机应为11位手机号")
    assert "校验位" in errors["id_number"]
    assert errors["size"] == "人数不能小于1"
    values = clean_values(fields, {"name": "王喆", "id_number": "11010519491231002x", "size": "3"})
    assert values == {"name": "王喆", "phone": None, "id_number": "11010519491231002X", "size": 3}


def test_masking():
    assert mask_id_number("330122199001011234") == "330122********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert "8888" not in mask_phone("0571-88881234")
    assert mask_id_number(None) == ""
