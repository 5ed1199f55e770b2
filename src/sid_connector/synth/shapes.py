"""Family compositions, chosen from a hash so a family's size is known without building it.

The generator needs every family's size before it builds anything (resident ids are contiguous and the
heads of RTs and dusun are named in the wilayah rows), so the composition comes from one cheap hash of
(village, family index); the details come later from a per-family random generator.
"""

from __future__ import annotations

from sid_connector.synth.numbers import mix64

SINGLE = "single"
ELDERLY = "elderly"
WIDOW = "widow"
DIVORCED = "divorced"
THREE_GEN = "three_gen"
WITH_PARENT = "with_parent"
NUCLEAR = "nuclear"

_CHILDREN = (0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 5)


def family_shape(village_key: int, index: int) -> tuple[str, tuple[str, ...]]:
    """``(kind, roles)``; roles in member order, the head first (a truncated family keeps its head)."""
    h = mix64(village_key, index, 0x5EED)
    roll = h % 1000
    children = _CHILDREN[(h >> 10) % len(_CHILDREN)]
    if roll < 70:
        return SINGLE, ("head",)
    if roll < 130:
        return ELDERLY, ("head", "istri")
    if roll < 200:
        return WIDOW, ("head",) + ("anak",) * max(1, min(children, 3))
    if roll < 230:
        return DIVORCED, ("head",) + ("anak",) * max(1, min(children, 2))
    if roll < 330:
        cucu = (h >> 20) % 3
        return THREE_GEN, ("head", "istri", "anak_kawin", "menantu") + ("cucu",) * cucu
    if roll < 470:
        parent = "orangtua" if (h >> 30) % 2 else "mertua"
        return WITH_PARENT, ("head", "istri") + ("anak",) * min(children, 3) + (parent,)
    return NUCLEAR, ("head", "istri") + ("anak",) * children


def family_size(village_key: int, index: int) -> int:
    return len(family_shape(village_key, index)[1])
