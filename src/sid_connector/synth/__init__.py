"""Synthetic OpenSID villages: seeded, reproducible table rows for demos, tests and benchmarks.

``generate(VillageSpec(...))`` returns a :class:`SyntheticVillage` whose rows use OpenSID v2410's column
names, so the same generator feeds the workbook writer and a database writer. ``planted=True`` adds the
problems of RULES.md §12 (see :data:`PLANTED`).
"""

from sid_connector.synth.planted import PLANTED, PLANTED_OTHER
from sid_connector.synth.spec import VillageSpec
from sid_connector.synth.village import IdBases, SyntheticVillage, fixture_villages, generate, generate_gabungan

__all__ = [
    "PLANTED",
    "PLANTED_OTHER",
    "IdBases",
    "SyntheticVillage",
    "VillageSpec",
    "fixture_villages",
    "generate",
    "generate_gabungan",
]
