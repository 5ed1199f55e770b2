"""``OpenSIDDatabaseSource``: read one or more villages straight from an OpenSID MariaDB/MySQL database."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from sid_connector.models import Desa
from sid_connector.sources import Check, JSONDict, PullEvent, ReadStats, SourceError, VillageRef
from sid_connector_opensid_db import checks, passes, villages
from sid_connector_opensid_db.driver import Database, DatabaseError, as_text
from sid_connector_opensid_db.dsn import ConnectionSettings, settings_from_options
from sid_connector_opensid_db.queries import desa_query


def _positive_int(options: Mapping[str, Any], name: str, default: int) -> int:
    value = options.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SourceError(f"Opsi {name} harus bilangan bulat, bukan {value!r}.") from None
    if number < 0 or (number == 0 and name == "batch_size"):
        raise SourceError(f"Opsi {name} tidak boleh {number}.")
    return number


class OpenSIDDatabaseSource:
    """Pulls desa, wilayah, keluarga, penduduk and both event logs, every query scoped by ``config_id``.

    Options: ``url`` (or env ``SID_SOURCE_URL``), ``kode_desa`` (code, list or ``"*"``), ``batch_size``
    (2000), ``overlap_seconds`` (2), ``full_refresh_hours`` (24: a periodic full resident and family read
    refreshes the fields joined from families and RT rows, whose changes do not touch
    ``tweb_penduduk.updated_at``; no id list is trusted to facts older than this either).
    """

    name: ClassVar[str] = "opensid-db"

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.kode_desa_option = options.get("kode_desa")  # the url (with its password) is not kept
        self.settings: ConnectionSettings = settings_from_options(options)
        self.batch_size = _positive_int(options, "batch_size", 2000)
        self.overlap_seconds = _positive_int(options, "overlap_seconds", 2)
        self.full_refresh_hours = float(options.get("full_refresh_hours", 24))
        villages.wanted_codes(options.get("kode_desa"))  # fail fast on a malformed code
        self._db: Database | None = None
        self._resolved: dict[str, tuple[int, VillageRef]] | None = None

    def __repr__(self) -> str:
        return f"OpenSIDDatabaseSource({self.settings.describe()})"

    # -- connection -------------------------------------------------------------------------------------
    def _connection(self) -> Database:
        if self._db is None:
            try:
                self._db = Database(self.settings)
            except DatabaseError as exc:
                raise SourceError(str(exc), unreachable=exc.kind == "unreachable") from None
        return self._db

    def _config_id(self, village: VillageRef) -> int:
        if self._resolved is None:
            self.villages()
        assert self._resolved is not None
        try:
            return self._resolved[village.kode_desa.replace(".", "")][0]
        except KeyError:
            raise SourceError(
                f"Desa dengan kode_desa {village.kode_desa} tidak ada dalam konfigurasi sumber."
            ) from None

    # -- Source protocol --------------------------------------------------------------------------------
    def villages(self) -> Sequence[VillageRef]:
        """Each configured kode_desa resolved to its ``config`` row (once per source)."""
        try:
            self._resolved = villages.resolve(self._connection(), self.kode_desa_option)
        except DatabaseError as exc:
            raise SourceError(str(exc), unreachable=exc.kind == "unreachable") from None
        return [ref for _, ref in self._resolved.values()]

    def identity(self, village: VillageRef) -> Desa:
        """The village's ``config`` row as a Desa record."""
        db = self._connection()
        try:
            rows = db.query(desa_query(db), (self._config_id(village),))
        except DatabaseError as exc:
            raise SourceError(str(exc), unreachable=exc.kind == "unreachable") from None
        if not rows:
            raise SourceError(f"Baris config untuk desa {village.kode_desa} hilang dari basis data.")
        return Desa.model_validate(rows[0])

    def pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[PullEvent]:
        """Yield the village's data; resumes from ``state`` (the last cursor the engine committed)."""
        try:
            yield from self._pull(village, state)
        except DatabaseError as exc:
            raise SourceError(str(exc), unreachable=exc.kind == "unreachable") from None

    def _pull(self, village: VillageRef, state: Mapping[str, Any]) -> Iterator[PullEvent]:
        db = self._connection()
        config_id = self._config_id(village)
        # The watermark comes from the database clock, taken before anything is read (§8).
        now = as_text(db.scalar("SELECT NOW()"))
        assert now is not None
        db.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        ctx = passes.PullContext(
            db=db,
            config_id=config_id,
            now=now,
            batch_size=self.batch_size,
            overlap_seconds=self.overlap_seconds,
            full_refresh_hours=self.full_refresh_hours,
            state=_copy_state(state),
        )
        try:
            # The village identity itself is stored by the engine through identity().
            yield from passes.snapshot_pass(ctx, "wilayah")
            yield from passes.keluarga_pass(ctx)
            yield from passes.penduduk_pass(ctx)
            yield from passes.peristiwa_pass(ctx)
            yield from passes.peristiwa_keluarga_pass(ctx)
        finally:
            db.end_read()
        yield ReadStats(counts=dict(ctx.stats))

    def check(self) -> Sequence[Check]:
        """Doctor lines: reachable, schema version, each village, Kemendagri list, read-only account."""
        return checks.run(self)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- demo ------------------------------------------------------------------------------------------
    @classmethod
    def write_demo(cls, village: Any, target: Mapping[str, Any]) -> JSONDict:
        """Write a SyntheticVillage into the database at ``target["url"]``; return ``[source]`` options."""
        from sid_connector_opensid_db.writer import write_villages

        url = target.get("url")
        refs = write_villages(str(url) if url else None, [village])
        options: JSONDict = {"kode_desa": refs[0]}
        if url:
            options["url"] = str(url)
        return options


def _copy_state(state: Mapping[str, Any]) -> JSONDict:
    return copy.deepcopy(dict(state or {}))
