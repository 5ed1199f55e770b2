"""The bare read: the same SELECTs the source runs, with the same driver, doing nothing with the rows."""

from __future__ import annotations

import time
from typing import Any

import pymysql

from sid_connector_opensid_db import driver, passes, queries
from sid_connector_opensid_db.dsn import parse_url
from sidbench.workload import Workload

ENTITIES = ("wilayah", "keluarga", "penduduk", "peristiwa", "peristiwa_keluarga")
KEYSET = ("keluarga", "penduduk", "peristiwa", "peristiwa_keluarga")
"""Entities whose id list a first pull reads (for deletion detection), as the source does."""


def plan(work: Workload) -> tuple[int, dict[str, queries.EntityQuery]]:
    """(config_id, entity → query) exactly as the source builds them."""
    db = driver.Database(parse_url(work.url))
    try:
        config_id = int(db.scalar("SELECT id FROM config WHERE kode_desa = %s", (work.kode_desa,)))
        return config_id, {entity: queries.build(db, entity) for entity in ENTITIES}
    finally:
        db.close()


def read_all(work: Workload, *, dict_rows: bool = True, batch: int = 2000) -> tuple[float, int]:
    """(seconds, rows) for the keyset-paged reads plus the id lists; dict rows as the source gets them.

    The same statements a first pull runs, in the same order: the family block digests, each entity's
    pages, the id lists.
    """
    config_id, plans = plan(work)
    started = time.perf_counter()
    conn = pymysql.connect(
        host="127.0.0.1", port=3306, user="root", database=work.database, charset="utf8mb4",
        conv=driver._CONVERSIONS, autocommit=True,
        cursorclass=pymysql.cursors.DictCursor if dict_rows else pymysql.cursors.Cursor,
    )  # fmt: skip
    total = 0
    try:
        with conn.cursor() as cur:
            cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            for entity in ENTITIES:
                if entity == "keluarga":  # the family pass starts with the server's block digests
                    cur.execute(plans[entity].digests(passes.BLOCK), (config_id,))
                    cur.fetchall()
                total += _pages(cur, plans[entity].page(), config_id, batch, dict_rows)
                if entity in KEYSET:
                    cur.execute(plans[entity].ids(), (config_id,))
                    cur.fetchall()
            conn.rollback()
    finally:
        conn.close()
    return time.perf_counter() - started, total


def _pages(cur: Any, sql: str, config_id: int, batch: int, dict_rows: bool) -> int:
    last, total = 0, 0
    while True:
        cur.execute(sql, (config_id, last, batch))
        rows = cur.fetchall()
        if not rows:
            return total
        total += len(rows)
        last = int(rows[-1]["id"] if dict_rows else rows[-1][0])
        if len(rows) < batch:
            return total
