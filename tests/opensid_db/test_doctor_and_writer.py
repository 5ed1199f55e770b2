"""Doctor checks, connection errors without secrets, and the demo writer's bundled schema."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pymysql
import pytest

from sid_connector.sources import SourceError, VillageRef
from sid_connector_opensid_db import OpenSIDDatabaseSource, write_villages
from sid_connector_opensid_db.dsn import parse_url
from sid_connector_opensid_db.writer import DDL_FILE

from .applier import Applier
from .conftest import HOST, PORT, SERVER_URL, run_sql
from .village_factory import make_village

pytestmark = pytest.mark.mariadb
KODE = "5201142005"
READ_TABLES = (
    "config, migrasi, tweb_wil_clusterdesa, tweb_keluarga, tweb_penduduk, tweb_penduduk_map, "
    "log_penduduk, log_keluarga, log_hapus_penduduk"
)


@pytest.fixture
def reader(opensid_db: str, sql) -> Iterator[tuple[str, str]]:
    """A read-only account with the recommended table-level SELECT grants; yields (user, password)."""
    user, password = f"ro_{uuid.uuid4().hex[:8]}", f"Pw-{uuid.uuid4().hex}"
    run_sql(sql, f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", password)
    for table in READ_TABLES.split(", "):
        run_sql(sql, f"GRANT SELECT ON `{opensid_db}`.`{table}` TO '{user}'@'%%'")
    try:
        yield user, password
    finally:
        run_sql(sql, f"DROP USER '{user}'@'%%'")


def _source(url: str) -> OpenSIDDatabaseSource:
    return OpenSIDDatabaseSource({"url": url, "kode_desa": KODE})


def _by_name(checks) -> dict[str, object]:
    return {check.name: check for check in checks}


def test_doctor_warns_when_the_account_can_write(db_url: str, sql) -> None:
    write_villages(db_url, [make_village(1, KODE, "Senggigi")])
    run_sql(sql, "INSERT INTO migrasi (versi_database) VALUES ('2024090101'), ('2024100101')")
    source = OpenSIDDatabaseSource({"url": db_url, "kode_desa": KODE})
    checks = _by_name(source.check())
    source.close()
    assert checks["koneksi"].ok
    assert checks["versi skema"].ok
    assert "2024100101" in checks["versi skema"].message
    assert checks[f"desa {KODE}"].ok
    assert checks["hak akses"].warning
    # OpenSID's sample pair is stale: 52.01.14.2005 is Senteluk in the 2025 list.
    assert checks[f"kode Kemendagri {KODE}"].warning
    assert "Senteluk" in checks[f"kode Kemendagri {KODE}"].message
    assert "SELECT" in checks["hak akses"].message


def test_read_only_account_pulls_and_passes_doctor(opensid_db: str, sql, reader: tuple[str, str]) -> None:
    write_villages(f"{SERVER_URL}/{opensid_db}", [make_village(1, KODE, "Senteluk")])
    run_sql(sql, "INSERT INTO migrasi (versi_database) VALUES ('2024100101')")
    user, password = reader
    url = f"mysql://{user}:{password}@{HOST}:{PORT}/{opensid_db}"
    source = OpenSIDDatabaseSource({"url": url, "kode_desa": KODE})
    checks = source.check()
    assert all(check.ok and not check.warning for check in checks), checks
    assert not _by_name(checks)["hak akses"].warning
    applier = Applier().run(source, VillageRef(KODE))
    source.close()
    assert len(applier.store["penduduk"]) == 9
    assert password not in repr(source)


def test_connection_failures_are_clear_and_never_show_the_password(opensid_db: str) -> None:
    secret = "Sangat-Rahasia-123"
    cases = {
        f"mysql://root:{secret}@{HOST}:1/{opensid_db}?connect_timeout=2": "ditolak",
        f"mysql://root:{secret}@nama-host-tidak-ada.invalid/{opensid_db}?connect_timeout=2": "DNS",
        f"mysql://root:{secret}@{HOST}:{PORT}/{opensid_db}": "Akses ditolak",
        f"mysql://root:{secret}@{HOST}:{PORT}/{opensid_db}?ssl=true": "TLS",
    }
    for url, expected in cases.items():
        source = OpenSIDDatabaseSource({"url": url, "kode_desa": KODE})
        checks = source.check()
        assert not checks[0].ok
        assert expected in checks[0].message
        assert secret not in checks[0].message
        with pytest.raises(SourceError) as caught:
            source.villages()
        assert secret not in str(caught.value)
        assert secret not in repr(source)
        assert secret not in repr(parse_url(url))


def test_missing_village_is_named(db_url: str) -> None:
    write_villages(db_url, [make_village(1, KODE, "Senggigi")])
    source = OpenSIDDatabaseSource({"url": db_url, "kode_desa": "3301010001"})
    checks = _by_name(source.check())
    source.close()
    assert not checks["desa"].ok
    assert "3301010001" in checks["desa"].message


def _create_tables(conn, database: str) -> dict[str, str]:
    tables = [row[0] for row in run_sql(conn, f"SHOW TABLES FROM `{database}`")]
    result = {}
    for table in tables:
        ddl = run_sql(conn, f"SHOW CREATE TABLE `{database}`.`{table}`")[0][1]
        result[table] = re.sub(r" AUTO_INCREMENT=\d+", "", ddl)
    return result


def test_writer_creates_a_faithful_schema_in_an_empty_database(full_opensid_db: str, server) -> None:
    """The bundled DDL creates tables identical to the real dump's; the full schema also reads fine."""
    bundled = f"sidc_{uuid.uuid4().hex[:12]}"
    url = f"{SERVER_URL}/{bundled}"
    try:
        other = "5201142006"
        codes = write_villages(
            url, [make_village(1, KODE, "Senteluk"), make_village(2, other, "Senggigi", base=100)], chunk=4
        )
        assert codes == [KODE, other]
        mine = _create_tables(server, bundled)
        real = _create_tables(server, full_opensid_db)
        assert mine, DDL_FILE
        for table, ddl in mine.items():
            assert ddl == real[table], table
        source = OpenSIDDatabaseSource({"url": url, "kode_desa": other})
        applier = Applier().run(source, VillageRef(other))
        assert _by_name(source.check())["versi skema"].ok
        source.close()
        assert len(applier.store["penduduk"]) == 9
        assert len(applier.store["peristiwa_keluarga"]) == 3
        full_url = f"{SERVER_URL}/{full_opensid_db}"
        write_villages(full_url, [make_village(1, KODE, "Senteluk")])
        assert len(Applier().run(_source(full_url), VillageRef(KODE)).store["penduduk"]) == 9
    finally:
        run_sql(server, f"DROP DATABASE IF EXISTS `{bundled}`")


def test_write_demo_returns_source_options(empty_db: str) -> None:
    url = f"{SERVER_URL}/{empty_db}"
    options = OpenSIDDatabaseSource.write_demo(make_village(1, KODE, "Senggigi"), {"url": url})
    assert options == {"kode_desa": KODE, "url": url}
    source = OpenSIDDatabaseSource(options)
    assert source.identity(VillageRef(KODE)).kode_desa == KODE
    source.close()


def test_zero_dates_read_as_none_through_the_driver(db_url: str, sql) -> None:
    write_villages(db_url, [make_village(1, KODE, "Senggigi")])
    run_sql(sql, "SET SESSION sql_mode = ''")
    run_sql(sql, "UPDATE tweb_penduduk SET tanggalperkawinan = '0000-00-00' WHERE id = 2")
    conn = pymysql.connect(host=HOST, port=PORT, user="root", database=db_url.rsplit("/", 1)[1])
    conn.close()
    applier = Applier().run(OpenSIDDatabaseSource({"url": db_url, "kode_desa": KODE}), VillageRef(KODE))
    assert applier.store["penduduk"]["2"]["tanggalperkawinan"] is None
    assert applier.store["penduduk"]["2"]["tanggallahir"].isoformat() == "1990-01-01"
