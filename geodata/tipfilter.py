"""The status and source-grade filter of tip queries: checked values as bound text[] parameters.

Statements that take it include the SQL fragment ``geodata/sql/_tip_filter.sql`` (with
``-- @include tip_filter``, expanded by ``geodata.queries.sql``) on a tip aliased ``t``:

- ``:statuses`` the tip statuses to keep, as the source wrote them (``new``, ``เสร็จสิ้น``…);
- ``:grades`` the Admiralty source letters to keep (``A``–``F``, from ``tip.reliability`` such
  as ``B2``) and ``UNGRADED`` (``-``) for tips without a grade.

An empty list keeps every tip, so callers that know nothing of the filter pass ``()``.
"""

from __future__ import annotations

from collections.abc import Sequence

GRADES = ("A", "B", "C", "D", "E", "F")  # Admiralty source reliability, A completely reliable
UNGRADED = "-"  # tip.reliability IS NULL
GRADE_VALUES = (*GRADES, UNGRADED)
MAX_STATUSES = 20
MAX_STATUS_CHARS = 32  # tip.status is varchar(16); a little room, never an unbounded string


def check_statuses(values: Sequence[str]) -> list[str]:
    """Statuses to keep: 1–32 characters each without control characters, at most 20
    (duplicates dropped). Raises ValueError otherwise."""
    if isinstance(values, str | bytes):
        raise ValueError("statuses must be a list of strings, not one string")
    out: list[str] = []
    for v in values:
        if not isinstance(v, str) or not 0 < len(v) <= MAX_STATUS_CHARS:
            raise ValueError(f"each status must be 1–{MAX_STATUS_CHARS} characters")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in v):
            raise ValueError(f"a status may not hold control characters: {v!r}")
        if v not in out:
            out.append(v)
    if len(out) > MAX_STATUSES:
        raise ValueError(f"at most {MAX_STATUSES} statuses in one filter")
    return out


def check_grades(values: Sequence[str]) -> list[str]:
    """Source grades to keep: letters ``A``–``F`` and ``-`` (not graded), in that order; all
    seven keep every tip, as none does (``[]``). Raises ValueError for anything else."""
    if isinstance(values, str | bytes):
        raise ValueError("grades must be a list of letters, not one string")
    wanted = set()
    for v in values:
        if v not in GRADE_VALUES:
            raise ValueError(f"a grade is one of {', '.join(GRADE_VALUES)}, not {v!r}")
        wanted.add(v)
    if len(wanted) == len(GRADE_VALUES):  # tip.reliability is NULL or ^[A-F][1-6]$
        return []
    return [g for g in GRADE_VALUES if g in wanted]


def params(statuses: Sequence[str] = (), grades: Sequence[str] = ()) -> dict[str, list[str]]:
    """The bound parameters of the fragment ``tip_filter`` (checked; empty lists keep all)."""
    return {"statuses": check_statuses(statuses), "grades": check_grades(grades)}


def active(statuses: Sequence[str] = (), grades: Sequence[str] = ()) -> bool:
    """Whether the filter leaves out any tip (then pre-aggregated counts cannot serve)."""
    return bool(statuses) or bool(grades)
