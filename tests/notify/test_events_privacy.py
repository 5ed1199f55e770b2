"""Life events from the change history, reminders, a failed run, and what a message may and may not show."""

from __future__ import annotations

import json
import re

from sid_connector.notify.directory import build_directory
from sid_connector.notify.events import PersonRef
from sid_connector.notify.messages import MAX_ITEM, describe
from sid_connector.notify.settings import load_settings

from .conftest import KODE, finding, make_config, person, received

LONG_NUMBER = re.compile(r"(?<!\d)\d{15,16}(?!\d)")


def _changes(village) -> None:
    rows = village.rows
    rows["penduduk"].append(
        person(30, "BAYI MUNGIL", "3301025011260001", "KRAJAN", sex=2, tanggallahir="2026-11-10", id_kk=100, kk_level=4)
    )
    rows["penduduk"].append(person(31, "DARMO PENDATANG", "3374011203850003", "SIDOREJO", id_kk=200, kk_level=4))
    rows["penduduk"][2]["status_dasar"] = 2  # SITI WAHYUNI (KRAJAN) died
    rows["penduduk"][4]["status_dasar"] = 3  # JOKO SUSILO (SIDOREJO) moved out
    rows["keluarga"][1]["nik_kepala"] = 31
    rows["peristiwa"] = [
        {"id": 1, "id_pend": 30, "kode_peristiwa": 1, "tgl_peristiwa": "2026-11-10 08:00:00"},
        {"id": 2, "id_pend": 12, "kode_peristiwa": 2, "tgl_peristiwa": "2026-11-20 08:00:00"},
        {"id": 3, "id_pend": 31, "kode_peristiwa": 5, "tgl_peristiwa": "2026-11-21 08:00:00"},
    ]


def test_life_events_reach_the_right_people_once(village):
    first = village.run()
    assert first["queued"] == 0  # the first run is the baseline: residents already there are not "new"
    _changes(village)
    village.run()
    kasi = sorted(m.event for m in received("KASI_PEM"))
    assert kasi == ["born", "died", "head_changed", "moved_in", "moved_out"]
    assert sorted(m.event for m in received("KADUS:KRAJAN")) == ["born", "died"]
    assert sorted(m.event for m in received("KADUS:SIDOREJO")) == ["head_changed", "moved_in", "moved_out"]
    assert [m.event for m in received("KETUA_RT:KRAJAN/1")] == ["died"]  # the legal reporter of deaths
    total = len(FakeSent := received("KASI_PEM"))
    village.run()
    assert len(received("KASI_PEM")) == total == len(FakeSent)


def test_messages_never_show_a_child_a_full_name_or_a_raw_number(village, tmp_path):
    village.run([finding("NIK-FORMAT", "12", message="NIK 3301025507800001 tidak valid")])
    _changes(village)
    village.run([finding("NIK-FORMAT", "12", message="NIK 3301025507800001 tidak valid")])
    lines = (tmp_path / "out" / "notifications.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    names = ("BAYI", "MUNGIL", "SITI", "WAHYUNI", "JOKO", "DARMO")
    for line in lines:
        assert not LONG_NUMBER.search(line), line
        record = json.loads(line)
        assert not any(name in record["text"] or name in record["subject"] for name in names)
        assert len(record["text"]) < MAX_ITEM
    born = next(json.loads(line) for line in lines if json.loads(line)["event"] == "born")
    assert "anak (P), 0 bln" in born["text"] and "B. M." not in born["text"] and "NIK" not in born["text"]
    died = next(json.loads(line) for line in lines if json.loads(line)["event"] == "died")
    assert "S. W. (P), NIK 3301********0001" in died["text"]


def test_describe_hides_minors_and_people_of_unknown_age():
    assert describe(PersonRef("A. B.", "3301********0001", 1, 40 * 365), "id") == "A. B. (L), NIK 3301********0001"
    assert describe(PersonRef("A. B.", "3301********0001", 1, 5 * 366), "id") == "anak (L), 5 th"
    assert describe(PersonRef("A. B.", "3301********0001", 2, 100), "en") == "child (F), 3 mo"
    assert describe(PersonRef("A. B.", "3301********0001", 2, None), "id") == "warga (P)"


def test_english_texts_are_available(tmp_path, host):
    from .conftest import Village

    config = make_config(tmp_path, lang="en")
    village = Village(tmp_path, host, config)
    village.run([finding("NIK-FORMAT", "12")])
    assert "Fix:" in received("KASI_PEM")[0].text and received("KASI_PEM")[0].subject.endswith(
        "Data finding — Dusun KRAJAN"
    )
    village.store.close()


def test_the_villages_word_for_dusun_is_used(tmp_path, host):
    from .conftest import Village

    village = Village(tmp_path, host, make_config(tmp_path, sebutan_dusun="Banjar"))
    village.run([finding("NIK-FORMAT", "12")])
    assert "Banjar KRAJAN RT 001" in received("KASI_PEM")[0].text
    village.store.close()


def test_birth_reminders_reach_the_ketua_rt_but_warnings_do_not(village):
    reminder = finding("EVT-BIRTH-60D", "1", severity="INFO", message="Pengingat hari ke-30: akta kelahiran belum ada.")
    village.run([reminder])
    village.run([reminder])
    rt = received("KETUA_RT:KRAJAN/1")
    assert [m.event for m in rt] == ["reminder"] and "hari ke-30" in rt[0].text
    day50 = finding("EVT-BIRTH-60D", "1", severity="INFO", message="Pengingat hari ke-50: akta kelahiran belum ada.")
    village.run([day50])
    assert len(received("KETUA_RT:KRAJAN/1")) == 2
    village.run([finding("EVT-BIRTH-60D", "1", severity="WARNING")])
    assert len(received("KETUA_RT:KRAJAN/1")) == 2
    assert [m.event for m in received("KADUS:KRAJAN")] == ["reminder", "reminder", "finding"]


def test_a_failed_sync_tells_the_operator(village):
    village.run(summary={"status": "failed", "error": "Sumber data gagal dibaca: timeout", "villages": {}})
    op = received("OPERATOR")
    assert len(op) == 1 and op[0].event == "sync_failed" and "timeout" in op[0].text
    assert [m.event for m in received("SEKDES")] == ["sync_failed"]
    village.run(summary={"status": "failed", "error": "timeout", "villages": {}})
    assert len(received("OPERATOR")) == 1  # once a day, not once per run


def test_a_failed_push_tells_the_operator(village):
    summary = {"status": "problems", "villages": {}, "sinks": {"opendk": {KODE: {"error": "HTTP 503"}}}}
    village.run(summary=summary)
    assert [m.text for m in received("OPERATOR")] == [
        f"Sinkronisasi desa {KODE} gagal (run #1): push opendk: HTTP 503. Periksa koneksi/konfigurasi sid-connector."
    ]


def test_officials_come_from_opensid_when_the_source_has_them(tmp_path):
    settings = load_settings(make_config(tmp_path, officials={"ketua_rt": {"KRAJAN/001": {"whatsapp": "0812"}}}))
    from sid_connector.models import Penduduk, Wilayah

    people = {
        "5": Penduduk(id=5, nama="ANI SEKRETARIS", status_dasar=1),
        "6": Penduduk(id=6, nama="MATI", status_dasar=2),
    }
    tables = {
        "ref_jabatan": [
            {"id": 2, "nama": "Sekretaris", "jenis": 2},
            {"id": 9, "nama": "Kasi  Pemerintahan", "jenis": 3},
        ],
        "tweb_desa_pamong": [
            {"pamong_id": 1, "id_pend": 5, "pamong_status": 1, "jabatan_id": 2},
            {"pamong_id": 2, "pamong_nama": "Kasi Lama", "pamong_status": 0, "jabatan_id": 9},
        ],
    }
    wilayah = {"1": Wilayah(id=1, dusun="Krajan", rw="0", rt="0", id_kepala=6)}
    directory = build_directory(settings, KODE, wilayah, people, tables)
    assert directory.lookup("SEKDES").name == "ANI SEKRETARIS"
    assert directory.lookup("KASI_PEM") is None  # the only Kasi Pem is inactive
    assert directory.lookup("KADUS", "KRAJAN") is None  # its head is not HIDUP
    assert directory.resolve("KADUS", "KRAJAN").person.role == "SEKDES"
    assert directory.lookup("KETUA_RT", "krajan", "1").contacts == {"whatsapp": "0812"}


def test_a_death_nearing_its_30_day_deadline_reminds_the_ketua_rt(village):
    from sid_connector.rules.model import Finding, Severity

    village.rows["peristiwa"] = [{"id": 7, "id_pend": 12, "kode_peristiwa": 2, "tgl_peristiwa": "2026-11-06 08:00:00"}]
    docs = Finding(
        "EVT-DEATH-DOCS",
        Severity.INFO,
        "peristiwa",
        "7",
        "Kematian baru: terbitkan Surat Keterangan Kematian.",
        "New death.",
        hint="Terbitkan Surat Keterangan Kematian.",
        dusun="KRAJAN",
        rw="001",
        rt="001",
    )
    village.run([docs])
    village.run([docs])
    rt = received("KETUA_RT:KRAJAN/1")
    assert [m.event for m in rt] == ["reminder"] and "EVT-DEATH-DOCS" in rt[0].text
    village.rows["peristiwa"][0]["tgl_peristiwa"] = "2026-11-20 08:00:00"  # day 8: too early for a reminder
    village.rows["peristiwa"][0]["id"] = 8
    fresh = Finding("EVT-DEATH-DOCS", Severity.INFO, "peristiwa", "8", "Kematian baru.", "New death.", dusun="KRAJAN")
    village.run([fresh])
    assert len(received("KETUA_RT:KRAJAN/1")) == 1


def test_officials_may_be_configured_per_village(tmp_path):
    officials = {KODE: {"kasi_pem": {"name": "Kasi A"}}, "3301022002": {"kasi_pem": {"name": "Kasi B"}}}
    settings = load_settings(make_config(tmp_path, officials=officials))
    assert build_directory(settings, KODE).lookup("KASI_PEM").name == "Kasi A"
    assert build_directory(settings, "3301022002").lookup("KASI_PEM").name == "Kasi B"
