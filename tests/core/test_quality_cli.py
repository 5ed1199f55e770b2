"""``check``, ``report`` and the findings in ``sync``/``status``, on a small planted demo village."""

import json
import re

import pytest

from .cli_helpers import run_cli, run_json


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quality")
    done = run_cli("demo", "--dir", "demo", "--residents", "300", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


def test_check_json_lists_findings_with_the_documented_keys_and_exits_1(demo):
    done = run_cli("--config", "demo/sid-connector.toml", "check", "--format", "json", cwd=demo)
    assert done.returncode == 1  # planted ERROR findings are open
    data = json.loads(done.stdout)
    assert data["findings"]
    for finding in data["findings"]:
        assert {"rule", "severity", "entity", "record_id", "dusun", "rt", "message", "hint"} <= finding.keys()
    assert data["summary"]["by_severity"]["ERROR"] > 0
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", done.stdout), "an unmasked 16-digit number was printed"


def test_check_csv_and_table(demo):
    csv_out = run_cli("--config", "demo/sid-connector.toml", "check", "--format", "csv", cwd=demo)
    assert csv_out.stdout.splitlines()[0].startswith("village,rule,severity")
    table = run_cli("--config", "demo/sid-connector.toml", "--lang", "en", "check", cwd=demo)
    assert "Open findings:" in table.stdout


def test_status_counts_open_findings_and_a_rerun_finds_nothing_new(demo):
    status = run_json("--config", "demo/sid-connector.toml", "status", "--json", cwd=demo)
    assert status["findings"]["ERROR"] > 0
    run_cli("--config", "demo/sid-connector.toml", "sync", cwd=demo)
    last = run_json("--config", "demo/sid-connector.toml", "status", "--json", cwd=demo)["last_run"]
    assert last["findings"]["new"] == 0 and last["findings"]["resolved"] == 0


def test_report_is_one_masked_html_file_with_a_csv_beside_it(demo):
    done = run_cli("--config", "demo/sid-connector.toml", "report", "--out", "laporan.html", cwd=demo)
    assert done.returncode == 0, done.stderr
    # The planted demo holds RULES.md's fixture villages: one report (and CSV) per village.
    html = (demo / "laporan-3301022001.html").read_text(encoding="utf-8")
    assert "<html" in html and "Menganti" in html
    assert "<link" not in html and "src=\"http" not in html
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", html)
    assert "********" in html
    assert (demo / "laporan-3301022001.csv").exists()


def test_unmasked_report_must_be_asked_for_warns_and_is_audited(demo):
    done = run_cli("--config", "demo/sid-connector.toml", "report", "--out", "penuh.html", "--unmasked", cwd=demo)
    assert done.returncode == 0
    assert "PERINGATAN" in done.stderr
    assert re.search(r"(?<!\d)\d{16}(?!\d)", (demo / "penuh-3301022001.html").read_text(encoding="utf-8"))
    assert run_cli("--config", "demo/sid-connector.toml", "audit", "verify", cwd=demo).returncode == 0
