"""The dump reader: MySQL's value grammar, statement forms, errors with line numbers, real OpenSID dumps."""

from __future__ import annotations

import gzip
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import sid_connector_opensid_sql.dump as dump_module
from sid_connector_opensid_sql.dump import DumpError, DumpReader, RowProblem, decode_rows
from sid_connector_opensid_sql.literals import literal

CREATE = (
    "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `nama` varchar(10) DEFAULT NULL,\n"
    "  `n` decimal(16,0),\n  PRIMARY KEY (`id`)\n);\n"
)


def write(tmp_path: Path, text: str, name: str = "d.sql") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(path: Path, tables: list[str] | None = None) -> list:
    return list(DumpReader(path, tables).rows())


@pytest.fixture(params=["fast", "slow"])
def both_paths(request, monkeypatch):
    """Every grammar test runs through the JSON fast path and through the pure MySQL-grammar path."""
    if request.param == "slow":
        monkeypatch.setattr(dump_module, "decode_rows", lambda text: None)
    return request.param


def test_escapes_nulls_and_numbers(tmp_path, both_paths):
    text = CREATE + (
        "INSERT INTO `t` VALUES (1,'O\\'Brien',NULL),(2,'a\\\\b\\nc\\0d\\Ze',-12),"
        "(3,'tab\\there \\\"q\\\"',12.50),(4,'',1e3),(5,'it''s',NULL),(6,'NULL',0);\n"
    )
    got = [row for _, row in rows(write(tmp_path, text))]
    assert got[0] == {"id": 1, "nama": "O'Brien", "n": None}
    assert got[1] == {"id": 2, "nama": "a\\b\nc\0d\x1ae", "n": -12}
    assert got[2]["nama"] == 'tab\there "q"'
    assert got[2]["n"] == Decimal("12.50")
    assert got[3]["nama"] == ""
    assert got[3]["n"] == Decimal(1000)
    assert got[4]["nama"] == "it's"
    assert got[5] == {"id": 6, "nama": "NULL", "n": 0}


def test_column_list_ignore_and_dbutil_style(tmp_path, both_paths):
    text = (
        "#\n# TABLE STRUCTURE FOR: t\n#\n\n" + CREATE + "\n"
        "INSERT IGNORE INTO `t` (`nama`, `id`) VALUES ('x', 7);\n"
        "INSERT INTO t (`id`, `nama`, `n`) VALUES ('8', 'y (z), w', '3');\n"
        "REPLACE INTO `db`.`t` VALUES (9,_binary 'bin',0x414243);\n"
    )
    got = [row for _, row in rows(write(tmp_path, text))]
    assert got[0] == {"nama": "x", "id": 7}
    assert got[1] == {"id": 8, "nama": "y (z), w", "n": "3"}  # quoted integers become ints, decimals stay text
    assert got[2] == {"id": 9, "nama": "bin", "n": "ABC"}


def test_multi_row_statement_across_chunks(tmp_path, monkeypatch, both_paths):
    monkeypatch.setattr(dump_module, "CHUNK", 64)  # force rows and strings to straddle chunk boundaries
    values = ",".join(f"({i},'nama {i} \\'x\\' ; (',{i * 3})" for i in range(300))
    text = "-- komentar dengan ' kutip\n/* blok; komentar */\n" + CREATE + f"INSERT INTO `t` VALUES {values};\n"
    got = rows(write(tmp_path, text))
    assert len(got) == 300
    assert got[299] == ("t", {"id": 299, "nama": "nama 299 'x' ; (", "n": 897})


def test_unwanted_tables_are_skipped(tmp_path):
    other = "CREATE TABLE `u` (`id` int);\nINSERT INTO `u` VALUES (1),(2);\nINSERT INTO `u` VALUES ('a;b');\n"
    text = other + CREATE + "INSERT INTO `t` VALUES (1,'a',NULL);\n"
    reader = DumpReader(write(tmp_path, text), ["t"])
    assert [table for table, _ in reader.rows()] == ["t"]
    assert reader.created == ["u", "t"]


def test_delimiter_sections_are_skipped(tmp_path):
    trigger = "CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW BEGIN SET @a = 1; END ;;"
    text = CREATE + f"DELIMITER ;;\n{trigger}\nDELIMITER ;\n"
    text += "INSERT INTO `t` VALUES (1,'a',NULL);\n"
    assert len(rows(write(tmp_path, text))) == 1


def test_gzip(tmp_path):
    path = tmp_path / "d.sql.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(CREATE + "INSERT INTO `t` VALUES (1,'a',NULL),(2,'b',5);\n")
    assert [row["id"] for _, row in rows(path)] == [1, 2]


def test_wrong_value_count_is_a_row_problem(tmp_path, both_paths):
    text = CREATE + "INSERT INTO `t` VALUES (1,'a',NULL),\n(2,'b'),\n(3,'c',NULL);\n"
    got = rows(write(tmp_path, text))
    assert len(got) == 3
    problem = got[1][1]
    assert isinstance(problem, RowProblem)
    assert problem.line == 8
    assert problem.values == {"id": 2, "nama": "b"}
    assert "2 nilai untuk 3 kolom" in problem.reason


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("INSERT INTO `t` VALUES (1,'a',NULL)\n(2,'b',NULL);\n", 8),  # missing comma between rows
        ("INSERT INTO `t` VALUES (1,'a',NOW());\n", 8),  # a function call is not a value
        ("\n\nINSERT INTO `t` VALUES (1,'a,NULL);\n", 10),  # unterminated string
        ("INSERT INTO `t` VALUES (1,'a',bogus);\n", 8),  # unknown bare word
        ("INSERT INTO `x` VALUES (1);\n", 8),  # no column list and no CREATE TABLE
    ],
)
def test_malformed_raises_with_line(tmp_path, body, line, both_paths):
    with pytest.raises(DumpError) as caught:
        rows(write(tmp_path, CREATE + "\n" + body))
    assert caught.value.line == line
    assert f"baris {line}" in str(caught.value)


def test_refuses_non_text_and_oversize(tmp_path):
    binary = tmp_path / "x.sql"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0IHDR" + bytes(range(256)))
    with pytest.raises(DumpError, match="bukan berkas teks"):
        rows(binary)
    archive = tmp_path / "x.zip"
    archive.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(DumpError, match="zip"):
        rows(archive)
    big = write(tmp_path, CREATE + "INSERT INTO `t` VALUES " + ",".join(["(1,'a',NULL)"] * 200000) + ";\n")
    with pytest.raises(DumpError, match="batas"):
        list(DumpReader(big, max_bytes=1 << 20).rows())


def test_literals_round_trip(tmp_path, both_paths):
    values = ["a'b\"c\\d\n\r\0\x1a", "", None, 5, -3, "NULL", "(x),y", "ünïcödé ✓"]
    columns = ", ".join(f"`c{i}` text" for i in range(len(values)))
    text = f"CREATE TABLE `r` ({columns});\nINSERT INTO `r` VALUES (" + ",".join(literal(v) for v in values) + ");\n"
    ((_, row),) = rows(write(tmp_path, text))
    assert list(row.values()) == values


def test_decode_rows_declines_what_it_cannot_map():
    assert decode_rows("(1,'a',NULL),(2,'b',3)") == [[1, "a", None], [2, "b", 3]]
    declined = ("(1,'it''s')", "(0x41)", "(+1)", "(.5)", "(true)", '(1,"a")')
    for text in (*declined, "(1,'a\\%b')", "(1,'\\u0041')", "(1,'\\f')"):
        assert decode_rows(text) is None, text


def test_real_reference_tables(shared_dir):
    reader = DumpReader(shared_dir / "opensid" / "ref_tables.sql")
    got = list(reader.rows())
    assert len(got) == 524
    assert len({table for table, _ in got}) == 35
    assert all(isinstance(row, dict) for _, row in got)
    sexes = {row["id"]: row["nama"] for table, row in got if table == "tweb_penduduk_sex"}
    assert sexes == {1: "LAKI-LAKI", 2: "PEREMPUAN"}


def test_real_schema(shared_dir):
    reader = DumpReader(shared_dir / "opensid" / "schema.sql")
    assert list(reader.rows()) == []
    assert len(reader.created) == 244
    penduduk = reader.tables["tweb_penduduk"]
    assert penduduk.columns[:4] == ["id", "config_id", "nama", "nik"]
    assert "id" in penduduk.integers
    assert "nik" not in penduduk.integers


@pytest.mark.parametrize("chunk", [997, 4096, 1 << 20])
def test_chunk_size_never_changes_the_rows(tmp_path, monkeypatch, chunk):
    from sid_connector.synth import VillageSpec, generate
    from sid_connector_opensid_sql.writer import write_dump

    path = tmp_path / "v.sql"
    counts = write_dump([generate(VillageSpec(residents=300, seed=3, planted=True))], path, chunk=97)
    expected = list(DumpReader(path).rows())
    monkeypatch.setattr(dump_module, "CHUNK", chunk)
    for tables in (None, ["tweb_penduduk"], ["tweb_wil_clusterdesa"]):
        got = list(DumpReader(path, tables).rows())
        assert got == [item for item in expected if tables is None or item[0] in tables]
    assert Counter(table for table, _ in expected) == {t: n for t, n in counts.items() if n}


def test_error_messages_mask_id_numbers(tmp_path):
    with pytest.raises(DumpError) as caught:
        rows(write(tmp_path, CREATE + "INSERT INTO `t` VALUES (1,3301021507900001x,NULL);\n"))
    assert "3301021507900001" not in str(caught.value)
