"""The example third-party plugin, built and installed as a user would, then used through the CLI."""

from .cli_helpers import run_cli, run_json


def write_csv(path, rows):
    lines = ["id,nama,nik,no_kk,sex,tanggallahir,dusun,rw,rt"]
    lines += [f"{i},WARGA {i},33010215079{i:05d},3301020101200001,1,1990-07-15,KRAJAN,-,001" for i in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_example_registers_through_entry_points(installed_example, tmp_path):
    plugins = {p["name"]: p for p in run_json("plugins", "--json", cwd=tmp_path, extra_path=installed_example)}
    assert plugins["example-csv"]["status"] == "ok"
    assert plugins["example-csv"]["hooks"] == ["sid_connector_sources"]
    assert plugins["example-csv"]["version"] == "1.0.0"


def test_the_example_source_syncs_and_deletions_arrive(installed_example, tmp_path):
    write_csv(tmp_path / "warga.csv", range(1, 11))
    result = run_cli(
        "init",
        "--non-interactive",
        "--source",
        "example-csv",
        "--path",
        "warga.csv",
        "--kode-desa",
        "33.01.02.2001",
        cwd=tmp_path,
        extra_path=installed_example,
    )
    assert result.returncode == 0, result.stderr
    result = run_cli("sync", cwd=tmp_path, extra_path=installed_example)
    assert result.returncode == 0, result.stdout + result.stderr
    write_csv(tmp_path / "warga.csv", range(1, 10))
    assert run_cli("sync", cwd=tmp_path, extra_path=installed_example).returncode == 0
    status = run_json("status", "--json", cwd=tmp_path, extra_path=installed_example)
    assert status["counts"]["penduduk"] == 9
    assert status["last_run"]["changes"]["penduduk"] == {"new": 0, "changed": 0, "deleted": 1}


def test_the_example_source_passes_the_conformance_kit(installed_example, tmp_path, monkeypatch):
    import sys

    from sid_connector.testing import assert_source_conforms

    monkeypatch.syspath_prepend(str(installed_example))
    from sid_connector_example_csv import CsvSource

    write_csv(tmp_path / "warga.csv", range(1, 1200))
    assert_source_conforms(lambda: CsvSource({"path": tmp_path / "warga.csv", "kode_desa": "3301022001"}), tmp_path)
    sys.modules.pop("sid_connector_example_csv", None)
