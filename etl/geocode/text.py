"""Text clean-up shared by the address parser, the gazetteer and the mention finder."""

from __future__ import annotations

import math
import re
import unicodedata

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")
# Nikhahit + sara aa typed as two characters is the one vowel sara am.
_SARA_AM = ("\u0e4d\u0e32", "\u0e33")
_NULLS = frozenset({"", "-", "--", "n/a", "na", "none", "null", "nan", "nil", "ไม่มี", "ไม่ระบุ"})
_CLEAN_MAP = {**_INVISIBLE, **THAI_DIGITS}  # one pass: invisible characters out, digits in ASCII
MAX_TEXT = 4000  # characters looked at; the rest of a longer text is ignored (and said so)


def clean(value: object) -> str:
    """Unicode NFC, Thai digits → ASCII, invisible characters removed, one space between words.
    None, NaN and the usual "no value" markers give ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    s = str(value)
    if not s.isascii():
        if not unicodedata.is_normalized("NFC", s):
            s = unicodedata.normalize("NFC", s)
        s = s.translate(_CLEAN_MAP)
        if _SARA_AM[0] in s:
            s = s.replace(*_SARA_AM)
    if "  " in s or "\t" in s or "\n" in s or "\r" in s or "\xa0" in s:
        s = _SPACES.sub(" ", s)
    s = s.strip()
    if len(s) <= 6 and s.casefold() in _NULLS:
        return ""
    return s


def key(name: str) -> str:
    """Comparison key of a place name: no spaces, dots or hyphens, case-folded, and without the
    silent-letter mark (์), which writers add or drop (จักรวรรดิ / จักรวรรดิ์)."""
    return re.sub(r"[\s.\-'’()]", "", name).replace("\u0e4c", "").casefold()
