"""DOPA area codes are checked in one place."""

from __future__ import annotations

import pytest

from geodata.codes import check_area, is_area_code


@pytest.mark.parametrize(("value", "ok"), [("10", True), ("1001", True), ("100101", True),
                                            ("1", False), ("100", False), ("10a", False),
                                            ("", False), (None, False), (10, False),
                                            ("๑๐", False), ("10; DROP", False)])  # fmt: skip
def test_is_area_code(value: object, ok: bool) -> None:
    assert is_area_code(value) is ok


def test_check_area() -> None:
    assert check_area("") == "" and check_area("1001") == "1001"
    assert check_area("100", any_prefix=True) == "100"
    for bad in ("100", "1234567", "x", "10%"):
        with pytest.raises(ValueError, match="area must be"):
            check_area(bad)
    with pytest.raises(ValueError, match="up to 6 digits"):
        check_area("1234567", any_prefix=True)
