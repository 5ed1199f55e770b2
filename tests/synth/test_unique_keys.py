"""Planted villages fit a real OpenSID database: no two rows collide on one of its unique keys.

MariaDB compares OpenSID's utf8mb3_general_ci strings without case, accents or trailing spaces, and a key with
a NULL part never collides. Defects a database cannot hold belong in the second source (RULES.md §12.1), so
this checks the database rows only, without needing a server.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest

from sid_connector.synth import SyntheticVillage, VillageSpec, fixture_villages, generate

# (table, columns) of OpenSID v2410's unique keys on the tables the generator fills.
UNIQUE_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wilayah", ("config_id", "rt", "rw", "dusun")),
    ("keluarga", ("config_id", "no_kk")),
    ("penduduk", ("config_id", "nik")),
    ("penduduk", ("config_id", "email")),
    ("penduduk", ("config_id", "telegram")),
    ("penduduk", ("config_id", "tag_id_card")),
    ("log_penduduk", ("config_id", "id_pend", "kode_peristiwa", "tgl_peristiwa")),
    ("log_keluarga", ("config_id", "id_kk", "id_peristiwa", "tgl_peristiwa", "id_pend")),
)
PRIMARY_KEYS = {"wilayah": "id", "keluarga": "id", "penduduk": "id", "log_penduduk": "id", "log_keluarga": "id"}


def collation_key(value: Any) -> Any:
    """How utf8mb3_general_ci sees a string: case- and accent-blind, trailing spaces ignored (PAD SPACE)."""
    if not isinstance(value, str):
        return value
    bare = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    return bare.rstrip(" ").casefold()


def tables(villages: Iterable[SyntheticVillage]) -> dict[str, list[dict[str, Any]]]:
    """The rows each table of one (gabungan) database receives."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in PRIMARY_KEYS}
    for village in villages:
        rows["wilayah"].extend(village.wilayah)
        rows["keluarga"].extend(village.keluarga())
        rows["penduduk"].extend(village.penduduk())
        rows["log_penduduk"].extend(village.log_penduduk())
        rows["log_keluarga"].extend(village.log_keluarga())
    return rows


def collisions(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Key values held by more than one row; keys with a NULL part are exempt, as in MariaDB."""
    keys = Counter(
        tuple(collation_key(row[c]) for c in columns) for row in rows if all(row[c] is not None for c in columns)
    )
    return sorted((key for key, count in keys.items() if count > 1), key=repr)


def test_collation_key_matches_mariadb():
    assert collation_key("KRAJAN ") == collation_key("Krajan")
    assert collation_key(" KRAJAN") != collation_key("Krajan")
    assert collation_key("Warga@Example.test") == collation_key("warga@example.test")


@pytest.fixture(scope="module", params=[(150, 1), (600, 3)], ids=["150", "600"])
def planted_tables(request) -> dict[str, list[dict[str, Any]]]:
    residents, seed = request.param
    return tables([generate(VillageSpec(residents=residents, seed=seed, planted=True))])


@pytest.mark.parametrize(("table", "columns"), UNIQUE_KEYS, ids=[f"{t}:{','.join(c)}" for t, c in UNIQUE_KEYS])
def test_planted_village_breaks_no_unique_key(planted_tables, table, columns):
    assert collisions(planted_tables[table], columns) == []


def test_planted_village_has_unique_primary_keys(planted_tables):
    for table, column in PRIMARY_KEYS.items():
        assert collisions(planted_tables[table], (column,)) == [], table


def test_fixture_database_breaks_no_key():
    """Villages A, B and C share one gabungan database: ids are global, unique keys are per config_id."""
    rows = tables(fixture_villages(150))
    for table, columns in UNIQUE_KEYS:
        assert collisions(rows[table], columns) == [], (table, columns)
    for table, column in PRIMARY_KEYS.items():
        assert collisions(rows[table], (column,)) == [], table


def test_dusun_near_duplicate_survives_the_database_and_the_rule():
    """REG-DUSUN-DUP groups names equal after lower() + strip(); the planted one must differ in the database."""
    wilayah = generate(VillageSpec(residents=150, seed=1, planted=True)).wilayah
    names = {row["dusun"] for row in wilayah}
    variants = {name for name in names if name.strip().lower() == "krajan"}
    assert len(variants) > 1
    assert len({collation_key(name) for name in variants}) == len(variants)
