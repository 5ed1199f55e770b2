"""The ``opensid-xlsx`` source and writer: real export, round trip, rejections, guards, resume."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

import sid_connector_opensid_xlsx.source as source_module
from sid_connector.models import Penduduk
from sid_connector.registrations import SourcePlugin
from sid_connector.sources import Batch, ReadStats, Snapshot, SnapshotEnd, SourceError, VillageRef
from sid_connector.synth import VillageSpec, generate
from sid_connector_opensid_xlsx import plugin
from sid_connector_opensid_xlsx.columns import COLUMNS
from sid_connector_opensid_xlsx.source import OpenSIDWorkbookSource
from sid_connector_opensid_xlsx.writer import export_rows, write_workbook

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLE = SHARED / "opensid" / "penduduk_ekspor.xlsx"


def pull(path: Path, state: dict | None = None, kode: str = "3301022001") -> list:
    source = OpenSIDWorkbookSource({"path": str(path), "kode_desa": kode})
    return list(source.pull(VillageRef(kode), state or {}))


def batches(events: list, entity: str) -> list[Batch]:
    return [e for e in events if isinstance(e, Batch) and e.entity == entity]


def rows_of(events: list, entity: str) -> dict:
    return {row.key: row for batch in batches(events, entity) for row in batch.rows}


def rejected_of(events: list) -> list:
    return [r for batch in batches(events, "penduduk") for r in batch.rejected]


def person(**values: str) -> dict:
    base = {
        "alamat": "Jl. Krajan No. 1", "dusun": "Krajan", "rw": "-", "rt": "001", "nama": "SLAMET",
        "no_kk": "3301020101200001", "nik": "3301021507900001", "sex": "1", "tempatlahir": "CILACAP",
        "tanggallahir": "1990-07-15", "agama_id": "1", "pendidikan_kk_id": "5", "pendidikan_sedang_id": "18",
        "pekerjaan_id": "88", "status_kawin": "1", "kk_level": "1", "warganegara_id": "1", "nama_ayah": "A",
        "nama_ibu": "B", "golongan_darah_id": "13", "status_dasar": "1",
    }  # fmt: skip
    base.update(values)
    return base


def test_real_export_reads_completely():
    assert SAMPLE.is_file(), f"contoh ekspor OpenSID tidak ada: {SAMPLE}"
    events = pull(SAMPLE, kode="5201142005")
    assert isinstance(events[0], ReadStats)
    assert events[0].counts["baris"] == 97
    penduduk = rows_of(events, "penduduk")
    assert len(penduduk) == 97
    assert not rejected_of(events)
    assert all(len(key) == 16 and key.isdigit() for key in penduduk)
    assert len(rows_of(events, "keluarga")) == 37
    wilayah = rows_of(events, "wilayah")
    assert len(wilayah) == 31  # as OpenSID's own tweb_wil_clusterdesa of the same village
    assert "MANGSIT|0|0" in wilayah
    assert "MANGSIT|-|0" in wilayah
    assert "MANGSIT|-|-" in wilayah
    assert [e.entity for e in events if isinstance(e, Snapshot)] == ["wilayah", "keluarga", "penduduk"]
    assert all(Penduduk.model_validate(row.data).nama for row in penduduk.values())


def test_round_trip_of_a_generated_village(tmp_path):
    village = generate(VillageSpec(residents=400, seed=8))
    options = OpenSIDWorkbookSource.write_demo(village, {"dir": str(tmp_path)})
    assert options == {"path": str(tmp_path / "penduduk.xlsx"), "kode_desa": "3301022001", "nama_desa": "Menganti"}
    events = pull(Path(options["path"]))
    got = rows_of(events, "penduduk")
    assert not rejected_of(events)
    fields = set(COLUMNS)
    expected = {row["nik"]: Penduduk.model_validate(row).model_dump(include=fields) for row in export_rows(village)}
    assert len(got) == len(expected) == 400
    for key, row in got.items():
        assert Penduduk.model_validate(row.data).model_dump(include=fields) == expected[key]
    families = rows_of(events, "keluarga")
    assert set(families) == {f["no_kk"] for f in village.keluarga()}
    heads = {f["no_kk"]: f["alamat"] for f in village.keluarga()}
    assert all(row.data["alamat"] == heads[key] for key, row in families.items())
    rt_keys = {f"{w['dusun']}|{w['rw']}|{w['rt']}" for w in village.wilayah}
    assert set(rows_of(events, "wilayah")) == rt_keys


def test_planted_demo_writes_the_second_source(tmp_path):
    village = generate(VillageSpec(residents=150, seed=2, planted=True))
    options = OpenSIDWorkbookSource.write_demo(village, {"dir": str(tmp_path)})
    second = Path(options["second_source_path"])
    assert second.name == "second_source.xlsx"
    assert len(rows_of(pull(second), "penduduk")) == 3


def test_unreadable_rows_are_rejected_and_the_rest_goes_on(tmp_path):
    path = tmp_path / "p.xlsx"
    write_workbook(
        [
            person(),
            person(nik="3301025507900002", nama="SRI", sex="2", tanggallahir="31-02-1990"),
            person(nik="3301021507900003", nama="BUDI", agama_id="ANIMISME"),
            person(nik="3301021507900004", nama="JOKO", tempatlahir="X" * 1001),
            person(nik="3301021507900005", nama="TONO", agama_id="Islam", sex="LK"),
        ],
        path,
    )
    events = pull(path)
    assert set(rows_of(events, "penduduk")) == {"3301021507900001", "3301021507900005"}
    found = {(r.ref, r.field) for r in rejected_of(events)}
    assert found == {("baris 3", "tanggallahir"), ("baris 4", "agama_id"), ("baris 5", "tempatlahir")}
    for r in rejected_of(events):
        assert r.entity == "penduduk"
        assert r.key
        assert r.data["nama"]
        assert "kolom" in r.reason


def test_keys_for_duplicated_and_missing_nik(tmp_path):
    path = tmp_path / "p.xlsx"
    write_workbook([person(), person(nama="KEMBAR"), person(nik="0", nama="ANAK"), person(nik=None, nama="X")], path)
    keys = list(rows_of(pull(path), "penduduk"))
    assert keys[:2] == ["3301021507900001", "3301021507900001#2"]
    assert all(k.startswith("tanpa-nik:") for k in keys[2:])
    assert len(set(keys)) == 4


def test_unknown_header_is_a_clear_error(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nama", "nik", "kolom_aneh"])
    sheet.append(["A", "3301021507900001", "x"])
    path = tmp_path / "aneh.xlsx"
    workbook.save(path)
    with pytest.raises(SourceError, match="kolom_aneh"):
        pull(path)


def test_kode_data_sheet_is_skipped_and_end_mark_stops(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Kode Data"
    workbook.active.append(["kode", "label"])
    data = workbook.create_sheet("Data")
    data.append(list(person()))
    data.append(list(person().values()))
    data.append(["", "###"])
    data.append(list(person(nik="3301021507900009").values()))
    path = tmp_path / "k.xlsx"
    workbook.save(path)
    assert set(rows_of(pull(path), "penduduk")) == {"3301021507900001"}


def test_not_a_zip_is_rejected(tmp_path):
    path = tmp_path / "bukan.xlsx"
    path.write_text("nama,nik\n")
    with pytest.raises(SourceError, match="bukan berkas xlsx"):
        pull(path)


def test_path_traversal_entry_is_rejected(tmp_path):
    path = tmp_path / "jalur.xlsx"
    write_workbook([person()], path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../../etc/evil.xml", "<x/>")
    with pytest.raises(SourceError, match="jalur tidak aman"):
        pull(path)


def test_zip_bomb_is_rejected(tmp_path):
    path = tmp_path / "bom.xlsx"
    write_workbook([person()], path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(SourceError, match="rasio kompresi"):
        pull(path)
    source = OpenSIDWorkbookSource({"path": str(path), "kode_desa": "3301022001", "max_total_mb": 5})
    with pytest.raises(SourceError, match="terlalu besar"):
        list(source.pull(VillageRef("3301022001"), {}))


def test_resume_skips_rows_already_done(tmp_path, monkeypatch):
    monkeypatch.setattr(source_module, "BATCH_SIZE", 40)
    village = generate(VillageSpec(residents=150, seed=4))
    path = Path(OpenSIDWorkbookSource.write_demo(village, {"dir": str(tmp_path)})["path"])
    full = pull(path)
    first = batches(full, "penduduk")[0]
    assert first.cursor["entity"] == "penduduk"
    assert first.cursor["row"] == 41
    resumed = pull(path, dict(first.cursor))
    assert [e.entity for e in resumed if isinstance(e, Snapshot)] == ["penduduk"]
    done = {row.key for row in first.rows}
    later = rows_of(resumed, "penduduk")
    assert not done & set(later)
    assert done | set(later) == set(rows_of(full, "penduduk"))
    ending = [e for e in full if isinstance(e, SnapshotEnd)][-1]
    assert ending.cursor["complete"]
    again = pull(path, dict(ending.cursor))
    assert len(rows_of(again, "penduduk")) == 150  # a finished pull starts over
    changed = pull(path, {**first.cursor, "generation": "lain"})
    assert len(rows_of(changed, "penduduk")) == 150  # another file starts over


def test_writer_matches_opensid_export_format(tmp_path):
    rows = [person(), person(nik="3301021507900002", rw=None, akta_lahir=None)]
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(rows, a)
    write_workbook(rows, b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "Sheet1" in archive.read("xl/workbook.xml").decode()
    assert sheet.count("<c ") == sheet.count('t="inlineStr"')
    assert "<t>alamat</t>" in sheet
    assert "<t>lng</t>" in sheet
    assert 'r="W2"' not in sheet
    counts = Counter(e.entity for e in pull(a) if isinstance(e, Batch))
    assert counts["penduduk"] == 1


def test_check_and_plugin_registration(tmp_path):
    checks = OpenSIDWorkbookSource({"path": str(SAMPLE), "kode_desa": "5201142005"}).check()
    assert all(c.ok for c in checks)
    assert "97" in checks[-1].message
    missing = OpenSIDWorkbookSource({"path": str(tmp_path / "tidak.xlsx"), "kode_desa": "5201142005"}).check()
    assert not missing[0].ok
    (registered,) = plugin.sid_connector_sources()
    assert isinstance(registered, SourcePlugin)
    assert registered.name == "opensid-xlsx"
    assert registered.factory is OpenSIDWorkbookSource
    with pytest.raises(SourceError, match="kode_desa"):
        OpenSIDWorkbookSource({"path": "x.xlsx", "kode_desa": "33.01"})
