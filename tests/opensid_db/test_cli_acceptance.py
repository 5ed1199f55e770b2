"""Issue-level acceptance for the opensid-db source, through the real command line and a real MariaDB.

The database is OpenSID v2410's own schema and reference tables (../shared) with generated villages written
into it; every check goes through ``sid-connector`` subprocesses as an operator or cron would run them.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pymysql
import pytest

from sid_connector.synth import VillageSpec, generate, generate_gabungan
from sid_connector_opensid_db import write_villages

from ..core.fingerprint import last_summary, store_fingerprint
from .conftest import HOST, PORT, SERVER_URL, USER, run_sql

pytestmark = pytest.mark.mariadb
KODE = "3301022001"


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sid_connector", *args],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "SID_CONNECTOR_LANG": "id"},
    )


def init(folder: Path, url: str, kode: str = KODE) -> None:
    done = cli(folder, "init", "--non-interactive", "--source", "opensid-db", "--url", url, "--kode-desa", kode)
    assert done.returncode == 0, done.stderr


def status(folder: Path) -> dict:
    done = cli(folder, "status", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def counts_in_db(sql, config_id: int) -> dict[str, int]:
    def count(table: str) -> int:
        return run_sql(sql, f"SELECT count(*) FROM {table} WHERE config_id = %s", config_id)[0][0]

    return {"penduduk": count("tweb_penduduk"), "keluarga": count("tweb_keluarga"),
            "wilayah": count("tweb_wil_clusterdesa")}


def plain_residents(sql, config_id: int, how_many: int) -> list[int]:
    """Residents whose deletion cascades to nobody else: not a family head, not an area head."""
    rows = run_sql(
        sql,
        "SELECT p.id FROM tweb_penduduk p WHERE p.config_id = %s AND coalesce(p.kk_level, 0) <> 1 "
        "AND NOT EXISTS (SELECT 1 FROM tweb_wil_clusterdesa w WHERE w.id_kepala = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM tweb_keluarga k WHERE k.nik_kepala = p.id) ORDER BY p.id LIMIT %s",
        config_id, how_many,
    )
    return [row[0] for row in rows]


@pytest.fixture
def full_sql(full_opensid_db):
    """A root session on the database loaded whole from schema.sql + ref_tables.sql."""
    conn = pymysql.connect(host=HOST, port=PORT, user=USER, database=full_opensid_db, autocommit=True,
                           init_command="SET time_zone='+00:00'")
    yield conn
    conn.close()


def test_ten_thousand_residents_then_three_deleted_and_five_updated(full_opensid_db, full_sql, tmp_path):
    sql = full_sql
    write_villages(f"{SERVER_URL}/{full_opensid_db}", [generate(VillageSpec(residents=10_000, seed=5))])
    init(tmp_path, f"{SERVER_URL}/{full_opensid_db}")
    first = cli(tmp_path, "sync")
    assert first.returncode == 0, first.stdout + first.stderr
    stored = status(tmp_path)
    expected = counts_in_db(sql, 1)
    assert {k: stored["counts"][k] for k in expected} == expected
    assert expected["penduduk"] == 10_000

    victims = plain_residents(sql, 1, 8)
    for resident_id in victims[:3]:
        run_sql(sql, "DELETE FROM tweb_penduduk WHERE id = %s", resident_id)
    for resident_id in victims[3:]:
        run_sql(sql, "UPDATE tweb_penduduk SET telepon = %s WHERE id = %s", f"0812{resident_id:08d}", resident_id)

    second = cli(tmp_path, "sync", "--json")
    assert second.returncode == 0, second.stdout + second.stderr
    summary = json.loads(second.stdout)
    assert summary["changes"]["penduduk"] == {"new": 0, "changed": 5, "deleted": 3}
    # Only the changed rows and the id list were read (counted by the source).
    assert summary["read"]["penduduk"] == 5
    assert summary["read"]["penduduk_ids"] == 9_997
    assert status(tmp_path)["counts"]["penduduk"] == 9_997


def test_two_villages_in_one_database_never_mix(opensid_db, sql, tmp_path):
    villages = generate_gabungan([
        VillageSpec(residents=150, seed=1, kode_desa="3301022001", nama_desa="Menganti", config_id=1),
        VillageSpec(residents=120, seed=2, kode_desa="3301022002", nama_desa="Kesugihan Kidul", config_id=2),
    ])
    write_villages(f"{SERVER_URL}/{opensid_db}", villages)
    init(tmp_path, f"{SERVER_URL}/{opensid_db}", "3301022002")
    assert cli(tmp_path, "sync").returncode == 0
    stored = status(tmp_path)
    assert [v["kode_desa"] for v in stored["villages"]] == ["3301022002"]
    assert stored["counts"]["penduduk"] == counts_in_db(sql, 2)["penduduk"]
    conn = sqlite3.connect(tmp_path / "sid-connector.db")
    names = {json.loads(data)["nama"] for (data,) in conn.execute("SELECT data FROM record WHERE entity='penduduk'")}
    conn.close()
    others = {row[0] for row in run_sql(sql, "SELECT nama FROM tweb_penduduk WHERE config_id = 1")}
    only_mine = {row[0] for row in run_sql(sql, "SELECT nama FROM tweb_penduduk WHERE config_id = 2")}
    assert names == only_mine
    assert not (names - only_mine)
    assert others - only_mine


def test_deleting_thirty_percent_stops_the_sync_before_any_deletion(opensid_db, sql, tmp_path):
    write_villages(f"{SERVER_URL}/{opensid_db}", [generate(VillageSpec(residents=300, seed=9))])
    init(tmp_path, f"{SERVER_URL}/{opensid_db}")
    assert cli(tmp_path, "sync").returncode == 0
    before = status(tmp_path)["counts"]
    total = before["penduduk"]
    victims = plain_residents(sql, 1, int(total * 0.3) + 1)
    assert len(victims) > total * 0.3
    run_sql(sql, f"DELETE FROM tweb_penduduk WHERE id IN ({','.join(map(str, victims))})")
    blocked = cli(tmp_path, "sync")
    assert blocked.returncode == 1
    assert "DIHENTIKAN" in blocked.stderr + blocked.stdout
    assert "--allow-mass-delete" in blocked.stderr + blocked.stdout
    assert status(tmp_path)["counts"] == before
    allowed = cli(tmp_path, "sync", "--allow-mass-delete")
    assert allowed.returncode == 0, allowed.stderr
    assert status(tmp_path)["counts"]["penduduk"] == total - len(victims)


def test_sigkill_mid_pull_then_rerun_equals_a_clean_run(opensid_db, tmp_path):
    write_villages(f"{SERVER_URL}/{opensid_db}", [generate(VillageSpec(residents=3000, seed=4))])
    url = f"{SERVER_URL}/{opensid_db}"
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for folder in (clean, killed):
        folder.mkdir()
        init(folder, url)
        (folder / "sid-connector.toml").write_text(
            (folder / "sid-connector.toml").read_text().replace('kode_desa = "3301022001"',
                                                               'kode_desa = "3301022001"\nbatch_size = 200')
        )
    assert cli(clean, "sync").returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "sid_connector", "sync"], cwd=killed,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = killed / "sid-connector.db"
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
                (residents,) = conn.execute("SELECT count(*) FROM record WHERE entity = 'penduduk'").fetchone()
                conn.close()
            except sqlite3.OperationalError:
                residents = 0
            if residents >= 1000:
                process.send_signal(signal.SIGKILL)
                break
        time.sleep(0.01)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the sync finished before it could be killed"
    assert cli(killed, "sync").returncode == 0
    clean_print, killed_print = store_fingerprint(clean / "sid-connector.db"), store_fingerprint(db)
    # The DB watermark is the server's clock at each pass: equal data, different instants.
    for fingerprint in (clean_print, killed_print):
        fingerprint["state"] = {key: sorted(state) for key, state in fingerprint["state"].items()}
    assert killed_print == clean_print
    assert last_summary(db) == last_summary(clean / "sid-connector.db")


def test_demo_writes_into_mariadb_and_syncs(empty_db, tmp_path):
    done = cli(tmp_path, "demo", "--dir", "demo", "--residents", "300", "--clean", "--source", "opensid-db",
               "--url", f"{SERVER_URL}/{empty_db}")
    assert done.returncode == 0, done.stdout + done.stderr
    stored = json.loads(cli(tmp_path, "--config", "demo/sid-connector.toml", "status", "--json").stdout)
    assert stored["counts"]["penduduk"] == 300
