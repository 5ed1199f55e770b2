"""The command line as operators and cron use it: real subprocesses, real exit codes."""

import sqlite3

from sid_connector import __version__
from sid_connector.store import RunLock

from .cli_helpers import run_cli, run_json
from .plugin_fixtures import BROKEN_ON_IMPORT, BROKEN_ON_REGISTER, install_fake_distribution
from .test_examples import write_csv


def init_csv(tmp_path, site, count=5):
    write_csv(tmp_path / "warga.csv", range(1, count + 1))
    result = run_cli(
        "init",
        "--non-interactive",
        "--source",
        "example-csv",
        "--path",
        "warga.csv",
        "--kode-desa",
        "3301022001",
        cwd=tmp_path,
        extra_path=site,
    )
    assert result.returncode == 0, result.stderr


def test_version_and_module_entry():
    from pathlib import Path

    result = run_cli("--version", cwd=Path.cwd())
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_a_broken_plugin_is_listed_as_failed_while_sync_and_status_still_work(installed_example, tmp_path):
    install_fake_distribution(
        installed_example,
        "broken-plugins",
        {"broken_on_import": BROKEN_ON_IMPORT, "broken_on_register": BROKEN_ON_REGISTER},
        {"broken-import": "broken_on_import", "broken-register": "broken_on_register"},
    )
    plugins = {p["name"]: p for p in run_json("plugins", "--json", cwd=tmp_path, extra_path=installed_example)}
    assert plugins["broken-import"]["status"] == "failed"
    assert "boom on import" in plugins["broken-import"]["error"]
    assert plugins["broken-register"]["status"] == "failed"
    assert plugins["example-csv"]["status"] == "ok"
    init_csv(tmp_path, installed_example)
    assert run_cli("sync", cwd=tmp_path, extra_path=installed_example).returncode == 0
    status = run_json("status", "--json", cwd=tmp_path, extra_path=installed_example)
    assert status["counts"]["penduduk"] == 5
    strict = run_cli("plugins", cwd=tmp_path, extra_path=installed_example, env={"SID_CONNECTOR_STRICT_PLUGINS": "1"})
    assert strict.returncode == 2
    assert "boom" in strict.stderr


def test_status_json_shape(installed_example, tmp_path):
    init_csv(tmp_path, installed_example, count=3)
    run_cli("sync", cwd=tmp_path, extra_path=installed_example)
    status = run_json("status", "--json", cwd=tmp_path, extra_path=installed_example)
    assert status["village"] == {"kode_desa": "3301022001", "nama_desa": None}
    assert status["counts"]["penduduk"] == 3
    assert status["counts"]["desa"] == 1
    assert status["last_run"]["status"] == "ok"
    assert status["last_run"]["changes"]["penduduk"] == {"new": 3, "changed": 0, "deleted": 0}
    assert status["last_run"]["quarantined"] == 0


def test_a_second_concurrent_run_exits_4_at_once(installed_example, tmp_path):
    init_csv(tmp_path, installed_example)
    with RunLock(tmp_path / "sid-connector.db"):
        result = run_cli("sync", cwd=tmp_path, extra_path=installed_example)
    assert result.returncode == 4
    assert "sedang berjalan" in result.stderr


def test_quarantine_exits_1_and_names_row_and_field(installed_example, tmp_path):
    init_csv(tmp_path, installed_example)
    text = (tmp_path / "warga.csv").read_text().replace("1990-07-15", "1990-13-45", 1)
    (tmp_path / "warga.csv").write_text(text)
    result = run_cli("sync", cwd=tmp_path, extra_path=installed_example)
    assert result.returncode == 1
    assert "baris 2" in result.stdout
    assert "tanggallahir" in result.stdout
    assert run_json("status", "--json", cwd=tmp_path, extra_path=installed_example)["last_run"]["quarantined"] == 1


def test_audit_verify_passes_then_fails_after_an_edit(installed_example, tmp_path):
    init_csv(tmp_path, installed_example)
    run_cli("sync", cwd=tmp_path, extra_path=installed_example)
    assert run_cli("audit", "verify", cwd=tmp_path).returncode == 0
    conn = sqlite3.connect(tmp_path / "sid-connector.db")
    conn.execute("UPDATE audit SET detail = json_set(detail, '$.command', 'edited') WHERE id = 1")
    conn.commit()
    conn.close()
    result = run_cli("audit", "verify", cwd=tmp_path)
    assert result.returncode == 1
    assert "#1" in result.stderr


def test_usage_errors_exit_2_with_a_clear_message(tmp_path):
    missing = run_cli("status", cwd=tmp_path)
    assert missing.returncode == 2
    assert "sid-connector init" in missing.stderr
    bad_code = run_cli(
        "init",
        "--non-interactive",
        "--source",
        "opensid-xlsx",
        "--path",
        "x.xlsx",
        "--kode-desa",
        "12345",
        cwd=tmp_path,
    )
    assert bad_code.returncode == 2
    assert "10 digit" in bad_code.stderr


def test_init_writes_a_config_that_round_trips(tmp_path):
    result = run_cli(
        "init",
        "--non-interactive",
        "--source",
        "opensid-db",
        "--url",
        "mysql://reader:rahasia@127.0.0.1:3306/opensid",
        "--kode-desa",
        "52.01.14.2006",
        "--store",
        "data/desa.db",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    from sid_connector.config import load_config

    config = load_config(tmp_path / "sid-connector.toml")
    assert config.source.name == "opensid-db"
    assert config.source.kode_desa == "5201142006"
    assert config.store_path == tmp_path / "data" / "desa.db"
    assert oct((tmp_path / "sid-connector.toml").stat().st_mode & 0o777) == "0o600"
    assert "rahasia" not in result.stdout + result.stderr


def test_interactive_init_asks_and_writes(tmp_path):
    import subprocess
    import sys

    answers = "penduduk.xlsx\n12345\n3301022001\n\n\n"
    result = subprocess.run(
        [sys.executable, "-m", "sid_connector", "init", "--source", "opensid-xlsx"],
        input=answers,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert 'path = "penduduk.xlsx"' in (tmp_path / "sid-connector.toml").read_text()


def test_english_messages_on_request(tmp_path):
    result = run_cli("--lang", "en", "status", cwd=tmp_path)
    assert result.returncode == 2
    assert "not found" in result.stderr
    assert "sid-connector init" in result.stderr


def test_the_real_opensid_export_syncs_97_residents_with_nothing_quarantined(tmp_path, shared_dir):
    workbook = shared_dir / "opensid" / "penduduk_ekspor.xlsx"
    done = run_cli("init", "--non-interactive", "--source", "opensid-xlsx", "--path", str(workbook),
                   "--kode-desa", "52.01.14.2005", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    run_cli("sync", cwd=tmp_path)
    status = run_json("status", "--json", cwd=tmp_path)
    assert status["counts"]["penduduk"] == 97
    assert status["counts"]["keluarga"] > 0 and status["counts"]["wilayah"] > 0
    assert status["last_run"]["quarantined"] == 0
    assert status["last_run"]["status"] in ("ok", "problems")  # problems = rule findings, never a failure


def test_a_code_that_names_another_village_is_reported(tmp_path, shared_dir):
    workbook = shared_dir / "opensid" / "penduduk_ekspor.xlsx"
    (tmp_path / "sid-connector.toml").write_text(
        f'[source]\nname = "opensid-xlsx"\npath = "{workbook}"\nkode_desa = "5201142005"\nnama_desa = "Senggigi"\n',
        encoding="utf-8",
    )
    run_cli("sync", cwd=tmp_path)
    findings = run_cli("check", "--format", "json", cwd=tmp_path)
    import json

    rules = {finding["rule"]: finding for finding in json.loads(findings.stdout)["findings"]}
    assert "REG-KODE-DESA-NAME" in rules
    assert "Senteluk" in rules["REG-KODE-DESA-NAME"]["message"]
