"""The ``opensid-sql`` source: write_demo → pull round trip, joins, gabungan, resume, rejections, doctor."""

from __future__ import annotations

from collections import Counter

import pytest

from sid_connector.sources import Batch, ReadStats, Snapshot, SnapshotEnd, SourceError, VillageRef
from sid_connector.synth import VillageSpec, fixture_villages, generate_gabungan
from sid_connector_opensid_sql import OpenSQLDumpSource, plugin
from sid_connector_opensid_sql.second_source import SECOND_BASE, second_source
from sid_connector_opensid_sql.writer import bundled_ddl, write_dump

from .conftest import KODE, pull, rejected_of, rows_of, write


def test_round_trip_counts_equal_the_generator(village, demo):
    events = pull(demo)
    extra = second_source(village)
    generated = list(village.second_source_penduduk())
    assert len(extra.penduduk) == len(generated) >= 3
    assert len(extra.keluarga) == len({p["no_kk"] for p in generated if p["no_kk"] and p.get("id_kk") is None})
    assert len(extra.log_penduduk) == 2
    assert len(extra.wilayah) == 1  # REG-RT-UNIQUE: the second source's own (Krajan, -, 001) row
    expected = {
        "wilayah": len(village.wilayah) + len(extra.wilayah),
        "keluarga": sum(1 for _ in village.keluarga()) + len(extra.keluarga),
        "penduduk": sum(1 for _ in village.penduduk()) + sum(1 for _ in village.second_source_penduduk()),
        "peristiwa": sum(1 for _ in village.log_penduduk()) + sum(1 for _ in village.second_source_log_penduduk()),
        "peristiwa_keluarga": sum(1 for _ in village.log_keluarga()),
    }
    assert {entity: len(rows_of(events, entity)) for entity in expected} == expected
    assert rejected_of(events) == []
    assert events[-1] == ReadStats(counts=expected)
    assert [type(e).__name__ for e in events if not isinstance(e, Batch)][:2] == ["Snapshot", "SnapshotEnd"]


def test_resolved_fields_equal_the_join(village, demo):
    events = pull(demo)
    extra = second_source(village)
    families = {row["id"]: row for row in [*village.keluarga(), *extra.keluarga]}
    areas = {row["id"]: row for row in village.wilayah}
    people = [*village.penduduk(), *extra.penduduk]
    penduduk = rows_of(events, "penduduk")
    for person in people:
        data = penduduk[str(person["id"])].data
        family = families.get(person["id_kk"]) or {}
        area = areas.get(person["id_cluster"]) or {}
        assert data["no_kk"] == family.get("no_kk")
        assert data["alamat"] == family.get("alamat")
        assert (data["dusun"], data["rw"], data["rt"]) == (area.get("dusun"), area.get("rw"), area.get("rt"))
        assert "email_token" not in data and "telegram_token" not in data and "config_id" not in data
    keluarga = rows_of(events, "keluarga")
    for family in families.values():
        area = areas.get(family["id_cluster"]) or {}
        assert keluarga[str(family["id"])].data["rt"] == area.get("rt")
    niks = {person["id"]: person["nik"] for person in people}
    for row in rows_of(events, "peristiwa").values():
        assert row.data["nik"] == niks.get(row.data["id_pend"])
    assert penduduk["1"].ref == "id 1"


def test_second_source_rows_survive_with_their_defects(village, demo):
    penduduk = rows_of(pull(demo), "penduduk")
    second = {key: row.data for key, row in penduduk.items() if int(key) > SECOND_BASE}
    assert len(second) == sum(1 for _ in village.second_source_penduduk())
    niks = Counter(row.data["nik"] for row in penduduk.values())
    assert niks["3301021507900001"] == 2  # NIK-UNIQUE
    kks = Counter(row["no_kk"] for row in second.values())
    assert kks["3301020101200001"] == 1  # KK-UNIQUE: a second family with village A's number
    orphan = next(row for row in second.values() if row["id_kk"] == 9999)
    assert orphan["no_kk"] is None  # FAM-ORPHAN-HEAD
    assert all(row["dusun"] == "Krajan" and row["rt"] == "001" for row in second.values())
    areas = Counter((w.data["dusun"], w.data["rw"], w.data["rt"]) for w in rows_of(pull(demo), "wilayah").values())
    assert areas[("Krajan", "-", "001")] == 2  # REG-RT-UNIQUE


def test_gabungan_dump_yields_only_the_selected_village(tmp_path):
    first, second = generate_gabungan(
        [
            VillageSpec(residents=150, seed=1, planted=True, config_id=1),
            VillageSpec(kode_desa="3301020001", nama_desa="Karangjati", residents=120, seed=2, config_id=2),
        ]
    )
    path = tmp_path / "gabungan.sql.gz"
    write_dump([first, second], path)
    options = {"path": str(path), "kode_desa": "33.01.02.0001"}
    events = pull(options)
    source = OpenSQLDumpSource(options)
    assert source.villages() == [VillageRef("3301020001", "Karangjati")]
    assert source.identity(source.villages()[0]).nama_desa == "Karangjati"
    assert set(rows_of(events, "penduduk")) == {str(p["id"]) for p in second.penduduk()}
    assert set(rows_of(events, "wilayah")) == {str(w["id"]) for w in second.wilayah}
    assert len(rows_of(events, "peristiwa")) == sum(1 for _ in second.log_penduduk())
    tables = source.extra_tables(source.villages()[0])
    assert [row["config_id"] for row in tables["tweb_desa_pamong"]] == [2] * len(second.pamong)
    planted = sum(1 for _ in first.penduduk()) + sum(1 for _ in first.second_source_penduduk())
    assert len(rows_of(pull({**options, "kode_desa": KODE}), "penduduk")) == planted
    with pytest.raises(SourceError, match="gabungan"):
        OpenSQLDumpSource({"path": str(path)}).villages()


@pytest.fixture(scope="module")
def fixture_dump(tmp_path_factory) -> tuple[list, dict]:
    """Villages A, B, C (and D) of RULES.md §12.1 written by ``write_demo`` as one gabungan backup."""
    villages = fixture_villages(150, others=100, desa_kel=True)
    options = OpenSQLDumpSource.write_demo(villages, {"dir": tmp_path_factory.mktemp("gabungan")})
    return villages, options


def test_star_reads_every_village_of_a_gabungan_dump(fixture_dump):
    villages, options = fixture_dump
    assert options["kode_desa"] == "*"
    source = OpenSQLDumpSource(options)
    refs = source.villages()
    assert refs == [VillageRef(v.spec.kode_desa, v.spec.nama_desa) for v in villages]
    for village, ref in zip(villages, refs, strict=True):
        assert source.identity(ref).nama_desa == village.spec.nama_desa
        events = list(source.pull(ref, {}))
        extra = second_source(village)
        assert set(rows_of(events, "penduduk")) == {str(p["id"]) for p in [*village.penduduk(), *extra.penduduk]}
        assert set(rows_of(events, "wilayah")) == {str(w["id"]) for w in [*village.wilayah, *extra.wilayah]}
        assert rejected_of(events) == []
        tables = source.extra_tables(ref)
        assert {row["config_id"] for row in tables["tweb_desa_pamong"]} == {village.spec.config_id}
    assert [c.ok for c in source.check()] == [True] * len(source.check())


def test_a_list_of_codes_selects_those_villages_in_order(fixture_dump):
    _, options = fixture_dump
    source = OpenSQLDumpSource({**options, "kode_desa": ["52.01.14.2005", KODE]})
    assert [ref.kode_desa for ref in source.villages()] == ["5201142005", KODE]
    with pytest.raises(SourceError, match="3301020001"):
        list(source.pull(VillageRef("3301020001"), {}))
    with pytest.raises(SourceError, match="tidak ditemukan"):
        OpenSQLDumpSource({**options, "kode_desa": [KODE, "3301029999"]}).villages()
    with pytest.raises(SourceError, match="kode_desa"):
        OpenSQLDumpSource({**options, "kode_desa": {"a": 1}})


def test_resume_from_a_mid_pass_cursor(demo):
    full = pull(demo, batch_size=100)
    batches = [e for e in full if isinstance(e, Batch) and e.entity == "penduduk"]
    cut = batches[2]
    resumed = pull(demo, cut.cursor, batch_size=100)
    assert isinstance(resumed[0], Snapshot) and resumed[0].entity == "penduduk"
    assert "wilayah" not in {getattr(e, "entity", None) for e in resumed}
    done = {r.key for b in batches[:3] for r in b.rows}
    rest = rows_of(resumed, "penduduk")
    assert not done & set(rest)
    assert done | set(rest) == set(rows_of(full, "penduduk"))
    # the events still carry the NIK although the resident pass was not read from its start
    assert rows_of(resumed, "peristiwa") == rows_of(full, "peristiwa")
    at_events = pull(demo, {**cut.cursor, "entity": "peristiwa", "row": 50}, batch_size=100)
    assert len(rows_of(at_events, "peristiwa")) == len(rows_of(full, "peristiwa")) - 50
    events = rows_of(full, "peristiwa")
    assert all(r.data["nik"] == events[k].data["nik"] for k, r in rows_of(at_events, "peristiwa").items())


def test_a_completed_pull_restarts_the_pass(demo):
    full = pull(demo)
    ends = [e for e in full if isinstance(e, SnapshotEnd)]
    assert all("row" not in (e.cursor or {}) or e.cursor["row"] == 0 for e in ends)
    assert ends[-1].cursor["complete"] is True
    again = pull(demo, ends[-1].cursor)
    assert isinstance(again[0], Snapshot) and again[0].entity == "wilayah"
    assert rows_of(again, "penduduk") == rows_of(full, "penduduk")
    other_file = pull(demo, {"generation": "0" * 64, "entity": "peristiwa", "row": 10})
    assert isinstance(other_file[0], Snapshot) and other_file[0].entity == "wilayah"


def test_bad_rows_become_rejected(tmp_path):
    ddl = bundled_ddl()
    config = (
        "INSERT INTO `config` (`id`, `nama_desa`, `kode_desa`, `nama_kecamatan`) "
        "VALUES (1,'Menganti','3301022001','Kesugihan');\n"
    )
    people = (
        "INSERT INTO `tweb_penduduk` (`id`, `config_id`, `nama`, `nik`) VALUES "
        "(5,1,'SLAMET','3301021507900001'),\n(6,1,'KURANG'),\n(7,1,0xFF00,'3301021507900002'),\n"
        "('x',1,'TANPA ID',NULL),(8,2,'DESA LAIN',NULL);\n"
    )
    path = write(tmp_path / "bad.sql", ddl["config"][0] + "\n" + ddl["tweb_penduduk"][0] + "\n" + config + people)
    events = pull({"path": str(path), "kode_desa": KODE})
    assert set(rows_of(events, "penduduk")) == {"5"}
    rejected = {r.ref: r for r in rejected_of(events)}
    assert set(rejected) == {"id 6", "id 7", "id 'x'"}
    assert (rejected["id 6"].field, rejected["id 6"].key) == ("baris", "6")
    assert "3 nilai untuk 4 kolom" in rejected["id 6"].reason
    assert rejected["id 7"].field == "nama"
    assert rejected["id 'x'"].field == "id"
    assert all("3301021507900002" not in r.reason for r in rejected.values())


def test_doctor_and_plugin(demo, tmp_path):
    source = OpenSQLDumpSource(demo)
    checks = {c.name: c for c in source.check()}
    assert all(c.ok and not c.warning for c in checks.values()), checks
    assert checks["versi skema"].message.endswith("2024100101.")
    missing = OpenSQLDumpSource({"path": str(tmp_path / "none.sql"), "kode_desa": KODE}).check()
    assert [c.ok for c in missing] == [False]
    other = OpenSQLDumpSource({**demo, "kode_desa": "5201142005"}).check()
    assert other[-1].ok is False and "5201142005" in other[-1].message
    registered = plugin.sid_connector_sources()[0]
    assert (registered.name, registered.factory) == ("opensid-sql", OpenSQLDumpSource)


def test_extra_tables_for_the_rules(village, demo):
    source = OpenSQLDumpSource(demo)
    tables = source.extra_tables(source.villages()[0])
    assert len(tables["tweb_desa_pamong"]) == len(village.pamong)
    assert {row["jenis"] for row in tables["ref_jabatan"]} == {row["jenis"] for row in village.jabatan}
    assert len(tables["tweb_rtm"]) == len(village.rtm)
