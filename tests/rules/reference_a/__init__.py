"""The event, family and KK rules as they were before the column-wise fast paths (frozen copy).

``test_fast_paths_a`` runs these row-by-row originals and the pack's current rules over the same generated
villages and requires identical findings: the oracle for every fast path. Not part of the pack; never edit
these files except to follow a deliberate change of a rule's meaning.
"""

from tests.rules.reference_a import events, family, kk

RULES = [*kk.RULES, *family.RULES, *events.RULES]
