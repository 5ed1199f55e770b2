"""Name comparison for region names, as REG-KODE-DESA-NAME defines it (RULES.md §3.4).

Both sides are lower-cased, one leading type word ("Desa", "Kelurahan", "Kec.", "Kabupaten", "Kota", …) is
dropped and every non-alphanumeric character, spaces included, is removed; names then match when equal or when
their ``difflib`` similarity ratio is at least 0.85. So "Batu Layar" matches "Batulayar" while "Senggigi"
does not match "Senteluk". Beyond the rule's word list we also drop the common abbreviations (Ds., Kel., Kec.,
Kab., Prov.) and "Administrasi" after Kota/Kabupaten (the DKI Jakarta names), which OpenSID configs often
carry.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

MATCH_RATIO = 0.85

# One leading type word, ended by a dot and/or whitespace; longest alternatives first.
_PREFIX = re.compile(
    r"(?P<word>desa\s+adat|desa|ds|kelurahan|kel|kecamatan|kec|kabupaten|kab|kota|provinsi|propinsi|prov|prop)"
    r"(?:\.\s*|\s+)(?:administrasi\s+)?"
)
_NON_ALNUM = re.compile(r"[\W_]+")
_PREFIX_INITIALS = frozenset("dkp")  # cheap pre-check: most names start with no type word

# Which kind of region a leading type word announces (used by find_by_name to prefer that kind).
_KIND_BY_WORD = {
    "desa adat": "desa adat",
    "desa": "desa",
    "ds": "desa",
    "kelurahan": "kelurahan",
    "kel": "kelurahan",
    "kecamatan": "kecamatan",
    "kec": "kecamatan",
    "kabupaten": "kabupaten",
    "kab": "kabupaten",
    "kota": "kota",
    "provinsi": "provinsi",
    "propinsi": "provinsi",
    "prov": "provinsi",
    "prop": "provinsi",
}


def compact(name: str) -> str:
    """Lower-case and keep only letters and digits: "Batu Layar" and "batu-layar" both give "batulayar"."""
    return _compact_folded(name.casefold())


def _compact_folded(text: str) -> str:
    # Fast path: most names only contain spaces besides letters (the nationwide index folds 91,599 names).
    text = text.replace(" ", "")
    return text if text.isalnum() else _NON_ALNUM.sub("", text)


def _split_prefix(name: str) -> tuple[str | None, str]:
    text = name.casefold().strip()
    match = _PREFIX.match(text) if text[:1] in _PREFIX_INITIALS else None
    if match is None:
        return None, text
    return " ".join(match["word"].split()), text[match.end() :]


def name_key(name: str) -> str:
    """The normalised form names are compared on (type word dropped, then compacted).

    A name that is nothing but a type word (there is a desa called "Kelurahan") keeps it.
    """
    text = name.casefold().strip()
    if text[:1] in _PREFIX_INITIALS and (match := _PREFIX.match(text)):
        rest = _compact_folded(text[match.end() :])
        if rest:
            return rest
    return _compact_folded(text)


def name_kind(name: str) -> str | None:
    """The region kind a leading type word announces: "kota", "kabupaten", "kecamatan", "desa", … or None."""
    word, rest = _split_prefix(name)
    if word is None or not compact(rest):
        return None
    return _KIND_BY_WORD[word]


def name_similarity(a: str, b: str) -> float:
    """Similarity ratio (0..1) of the normalised names; 0 when either is empty."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 1.0
    return SequenceMatcher(None, key_a, key_b).ratio()


def names_match(a: str, b: str) -> bool:
    """True when two region names denote the same name under REG-KODE-DESA-NAME's normalisation."""
    return name_similarity(a, b) >= MATCH_RATIO
