"""``init`` and ``demo``: from nothing to a working configuration, or to a whole demo village."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

from sid_connector.cli.context import AppContext
from sid_connector.cli.output import console, print_summary, pull_progress, stage_status
from sid_connector.config import ConfigError, dump_toml, load_config
from sid_connector.i18n import t
from sid_connector.notify import demo_preview
from sid_connector.sinks import DemoEndpoint
from sid_connector.source_options import kode_desa
from sid_connector.sources import DemoWriter, SourceError
from sid_connector.store import Store
from sid_connector.sync.run import run_sync

pass_app = click.make_pass_decorator(AppContext)
HEADER = "sid-connector configuration (https://github.com/sid-connector/sid-connector/blob/main/docs/config.md)"


def normalise_kode_desa(code: str) -> str:
    """``"33.01.02.2001"`` or ``"3301022001"`` → ``"3301022001"``; anything else is a usage error."""
    try:
        return kode_desa(code or "")  # the one reading every source uses
    except SourceError:
        raise click.BadParameter(t("init.kode_invalid", code=code), param_hint="--kode-desa") from None


def write_config(path: Path, data: dict[str, Any], *, force: bool) -> None:
    if path.exists() and not force:
        raise click.UsageError(t("config.exists", path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_toml(data, HEADER), encoding="utf-8")
    os.chmod(path, 0o600)  # it may hold a database URL with a password


@click.command()
@click.option("--non-interactive", is_flag=True, help="Jangan bertanya; semua nilai dari opsi.")
@click.option("--source", "source_name", default=None, help="Nama plugin sumber (opensid-xlsx, opensid-db, …).")
@click.option("--url", default=None, help="URL sumber (basis data); atau isi SID_SOURCE_URL.")
@click.option("--path", "source_path", default=None, help="Berkas sumber (xlsx).")
@click.option("--kode-desa", default=None, help="Kode desa Kemendagri, 10 digit (boleh bertitik).")
@click.option("--store", "store_path", default=None, help="Lokasi basis data lokal (SQLite).")
@click.option("--opendk-url", default=None, help="Alamat OpenDK kecamatan (token dari SID_OPENDK_TOKEN).")
@click.option("--force", is_flag=True, help="Timpa konfigurasi yang sudah ada.")
@pass_app
def init(
    app: AppContext,
    non_interactive: bool,
    source_name: str | None,
    url: str | None,
    source_path: str | None,
    kode_desa: str | None,
    store_path: str | None,
    opendk_url: str | None,
    force: bool,
) -> None:
    """Buat berkas konfigurasi (wizard, atau --non-interactive)."""
    if not non_interactive:
        known = sorted(app.host.sources()) or ["opensid-xlsx"]
        source_name = source_name or click.prompt(t("init.prompt.source"), type=click.Choice(known), default=known[0])
        if source_name.endswith("xlsx"):
            source_path = source_path or click.prompt(t("init.prompt.path"))
        else:
            url = url or click.prompt(t("init.prompt.url"), default="", show_default=False) or None
        kode_desa = kode_desa or click.prompt(t("init.prompt.kode_desa"), value_proc=normalise_kode_desa)
        store_path = store_path or click.prompt(t("init.prompt.store"), default="sid-connector.db")
        opendk_url = opendk_url or click.prompt(t("init.prompt.opendk"), default="", show_default=False) or None
    if not source_name or not kode_desa:
        raise click.UsageError("--source dan --kode-desa wajib diisi.")
    if not (url or source_path or os.environ.get("SID_SOURCE_URL")):
        raise click.UsageError(t("init.need_location"))
    source: dict[str, Any] = {"name": source_name, "kode_desa": normalise_kode_desa(kode_desa)}
    if url:
        source["url"] = url
    if source_path:
        source["path"] = source_path
    data: dict[str, Any] = {"lang": "id", "source": source, "store": {"path": store_path or "sid-connector.db"}}
    if opendk_url:
        # The sync token stays out of the file: the sink reads SID_OPENDK_TOKEN.
        data["sinks"] = {"opendk": {"url": opendk_url}}
    target = app.config_file
    write_config(target, data, force=force)
    click.echo(t("config.written", path=target))


DEMO_NOTIFY = {
    # Every message goes to DIR/notifications.jsonl at once (no quiet hours, no digest wait), so the demo shows
    # what each official would receive.
    "channels": {"jsonl": {"dir": "."}},
    "routing": {"mode": {"finding_error": "immediate", "finding_warning": "immediate", "resolved": "immediate"}},
}
# The planted Kepala Dusun of Sidamulya has died (PER-DEAD-ACTIVE), and OpenSID still names him. The village has
# appointed a successor, known to sid-connector only through its own config: so Sidamulya's findings reach a
# living Kadus, as they would once the operator records the successor here.
DEMO_SUCCESSORS = {"3301022001": {"kadus": {"SIDAMULYA": {"name": "WARDOYO"}}}}
OTHER_RESIDENTS = 100  # villages B, C and D only carry village-wide defects: a few families are enough


def demo_villages(residents: int, seed: int, clean: bool, gabungan: bool) -> list[Any]:
    """The villages the demo writes: village A alone when clean (or when the source holds one village), else
    the fixture of RULES.md §12.1 (A sized by ``residents``, small B and C) plus D for REG-DESA-KEL (§12.4)."""
    from sid_connector.synth import VillageSpec, fixture_villages, generate

    # Generated as of today, so the rules (which judge as of today) see them as their makers did.
    today = dt.date.today()
    if clean or not gabungan:
        return [generate(VillageSpec(residents=residents, seed=seed, planted=not clean, ref_date=today))]
    return fixture_villages(residents, others=OTHER_RESIDENTS, seed=seed, ref_date=today, desa_kel=True)


@click.command()
@click.option("--dir", "directory", default="demo", show_default=True, type=click.Path(file_okay=False))
@click.option("--residents", default=2000, show_default=True, type=click.IntRange(100, 1_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--clean", is_flag=True, help="Tanpa masalah yang sengaja ditanam.")
@click.option(
    "--source",
    "source_name",
    default="opensid-sql",
    show_default=True,
    help="opensid-sql (cadangan basis data OpenSID), opensid-xlsx (buku kerja penduduk) atau opensid-db (--url).",
)
@click.option("--url", default=None, help="Untuk sumber basis data: ke mana desa demo ditulis.")
@click.option("--no-push", is_flag=True, help="Jangan kirim ke simulator OpenDK.")
@pass_app
def demo(
    app: AppContext,
    directory: str,
    residents: int,
    seed: int,
    clean: bool,
    source_name: str,
    url: str | None,
    no_push: bool,
) -> None:
    """Buat desa sintetis, tulis dalam format OpenSID, lalu jalankan seluruh alur: tarik → periksa → kabari →
    kirim ke simulator OpenDK di loopback."""
    target = Path(directory).resolve()
    target.mkdir(parents=True, exist_ok=True)
    plugin = app.host.sources().get(source_name)
    if plugin is None or not isinstance(plugin.factory, type) or not issubclass(plugin.factory, DemoWriter):
        known = ", ".join(sorted(app.host.sources())) or "-"
        raise ConfigError(t("source.unknown", name=source_name, known=known))
    # A source that reads a gabungan backup takes every fixture village in one file (``kode_desa = "*"``).
    gabungan = bool(getattr(plugin.factory, "demo_gabungan", False))
    with console.status(t("demo.generating", residents=residents)):
        villages = demo_villages(residents, seed, clean, gabungan)
        written = villages if len(villages) > 1 else villages[0]
        options = plugin.factory.write_demo(written, {"dir": str(target), "url": url})
    # A demo directory belongs to the demo: start from an empty store, so two demos never mix.
    for leftover in ("sid-connector.db", "sid-connector.db-wal", "sid-connector.db-shm", "notifications.jsonl"):
        (target / leftover).unlink(missing_ok=True)
    config_file = target / "sid-connector.toml"
    data: dict[str, Any] = {
        "lang": "id",
        "source": {"name": source_name, **options},
        "store": {"path": "sid-connector.db"},
        "notify": DEMO_NOTIFY if clean else {**DEMO_NOTIFY, "officials": DEMO_SUCCESSORS},
    }
    write_config(config_file, data, force=True)
    endpoints = [] if no_push else demo_endpoints(app)
    with contextlib.ExitStack() as stack:
        described = []
        sinks = {}
        for name, endpoint in endpoints:
            registered = [(village.spec.kode_desa, village.spec.nama_desa) for village in villages]
            sink_options, describe = stack.enter_context(endpoint(registered))
            sinks[name] = sink_options
            described.append(describe)
        # The stand-in receivers live only for this run, so they are not written into the saved config.
        config = load_config(config_file)
        if sinks:
            config = config.model_copy(update={"sinks": sinks})
        with pull_progress() as progress:
            outcome = run_sync(config, app.host, command="demo", progress=progress, stage=stage_status)
        print_summary(outcome.summary)
        for describe in described:
            console.print(describe(), markup=False)
    with Store.open(config.store_path) as store:
        preview = demo_preview(store, config, app.host)
    if preview:
        console.print(t("demo.officials"))
        console.print(preview, markup=False)
    click.echo(t("demo.done", config=config_file))
    # The demo plants problems on purpose: finding them is success; only a failed run is an error.
    raise SystemExit(0 if outcome.status in {"ok", "problems"} else int(outcome.exit_code))


def demo_endpoints(app: AppContext) -> list[tuple[str, Any]]:
    """Sinks whose plugin offers a stand-in receiver for the demo (e.g. a simulated OpenDK)."""
    return [
        (name, plugin.factory.demo_endpoint)
        for name, plugin in app.host.sinks().items()
        if isinstance(plugin.factory, type) and issubclass(plugin.factory, DemoEndpoint)
    ]
