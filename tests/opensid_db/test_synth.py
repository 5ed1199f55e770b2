"""The writer with the real generator (``sid_connector.synth``) into a gabungan database, read back."""

from __future__ import annotations

import pytest

from sid_connector.models import ENTITY_MODELS
from sid_connector.synth import VillageSpec, generate_gabungan
from sid_connector_opensid_db import OpenSIDDatabaseSource, write_villages

from .applier import Applier
from .conftest import SERVER_URL, run_sql

pytestmark = pytest.mark.mariadb


def test_generated_gabungan_round_trips(opensid_db: str, sql) -> None:
    specs = [
        VillageSpec(residents=120, seed=3),
        VillageSpec(kode_desa="3301022002", nama_desa="Kuripan", residents=60, config_id=2, seed=4),
    ]
    villages = generate_gabungan(specs)
    url = f"{SERVER_URL}/{opensid_db}"
    assert write_villages(url, villages, chunk=50) == ["3301022001", "3301022002"]
    source = OpenSIDDatabaseSource({"url": url, "kode_desa": "*"})
    for village, ref in zip(villages, source.villages(), strict=True):
        applier = Applier().run(source, ref)
        expected = {row["id"] for row in village.penduduk()}
        assert {int(key) for key in applier.store["penduduk"]} == expected
        assert len(applier.store["keluarga"]) == len(list(village.keluarga()))
        assert len(applier.store["peristiwa"]) == len(list(village.log_penduduk()))
        assert applier.rejected == []
        for entity, rows in applier.store.items():
            for row in rows.values():
                ENTITY_MODELS[entity].model_validate(row)
    source.close()
    counts = run_sql(sql, "SELECT config_id, COUNT(*) FROM tweb_penduduk GROUP BY config_id ORDER BY config_id")
    assert [n for _, n in counts] == [len(list(v.penduduk())) for v in villages]
