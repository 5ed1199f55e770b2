"""Writes resident rows in OpenSID's export format, streaming, with constant memory.

OpenSID's ``penduduk/ekspor`` writes one sheet ``Sheet1`` whose every cell is an *inline string* (coded
fields as ids, dates ``Y-m-d``, a missing RW as ``-``, empty values as absent cells). openpyxl cannot write
inline strings (it always uses a shared-string table, which also grows with the data), so the few XML
parts of the package are written directly with :mod:`zipfile`: the sheet is streamed row by row, and fixed
zip timestamps make the same rows give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sid_connector_opensid_xlsx.columns import COLUMNS

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_PARTS: dict[str, str] = {
    "[Content_Types].xml": _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default ContentType="application/xml" Extension="xml"/>'
    '<Default ContentType="application/vnd.openxmlformats-package.relationships+xml" Extension="rels"/>'
    '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml" '
    'PartName="/xl/workbook.xml"/>'
    '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml" '
    'PartName="/xl/worksheets/sheet1.xml"/>'
    '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml" '
    'PartName="/xl/styles.xml"/>'
    '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" '
    'PartName="/xl/sharedStrings.xml"/>'
    '<Override ContentType="application/vnd.openxmlformats-package.core-properties+xml" '
    'PartName="/docProps/core.xml"/>'
    '<Override ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml" '
    'PartName="/docProps/app.xml"/></Types>',
    "_rels/.rels": _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rIdWorkbook" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rIdCore" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rIdApp" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>',
    "docProps/app.xml": _HEAD
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>sid-connector</Application><TotalTime>0</TotalTime></Properties>",
    "docProps/core.xml": _HEAD
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><cp:revision>0</cp:revision></cp:coreProperties>',
    "xl/_rels/workbook.xml.rels": _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rIdStyles" Target="styles.xml" Type="{_REL}/styles"/>'
    f'<Relationship Id="rIdSharedStrings" Target="sharedStrings.xml" Type="{_REL}/sharedStrings"/>'
    f'<Relationship Id="rIdSheet1" Target="worksheets/sheet1.xml" Type="{_REL}/worksheet"/></Relationships>',
    "xl/sharedStrings.xml": _HEAD + f'<sst xmlns="{_MAIN}" count="0" uniqueCount="0"></sst>',
    "xl/styles.xml": _HEAD + f'<styleSheet xmlns="{_MAIN}"><numFmts count="0"></numFmts>'
    '<fonts count="1"><font><sz val="12"/><color rgb="FF000000"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/></border></borders>'
    '<cellStyleXfs count="1"><xf borderId="0" fillId="0" fontId="0" numFmtId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyBorder="0"/></cellXfs><cellStyles count="1"><cellStyle builtinId="0" name="Normal" xfId="0"/>'
    "</cellStyles></styleSheet>",
    "xl/workbook.xml": _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rIdSheet1" state="visible"/></sheets></workbook>',
}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = tuple(column_letter(i) for i in range(len(COLUMNS)))


def cell_text(value: Any) -> str | None:
    """A value as OpenSID exports it, or ``None`` for an absent cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return str(int(value))
    text = _ILLEGAL_XML.sub("", str(value)).strip()
    return text or None


def _row_xml(number: int, values: Iterable[str | None]) -> str:
    cells = [
        f'<c r="{letter}{number}" s="0" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        for letter, text in zip(_LETTERS, values, strict=False)
        if text is not None
    ]
    return f'<row r="{number}" spans="1:{len(COLUMNS)}" customHeight="0">{"".join(cells)}</row>'


def write_workbook(rows: Iterable[Mapping[str, Any]], path: str | Path) -> int:
    """Write ``rows`` (dicts keyed by the 43 column names) to ``path``; returns the number of data rows."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ("[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "docProps/app.xml"):
            _write_part(archive, name, _PARTS[name])
        for name in ("docProps/core.xml", "_rels/.rels"):
            _write_part(archive, name, _PARTS[name])
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", _FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as sheet:
            sheet.write(f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetData>'.encode())
            sheet.write(_row_xml(1, COLUMNS).encode())
            for count, row in enumerate(rows, start=1):
                values = [cell_text(row.get(column)) for column in COLUMNS]
                sheet.write(_row_xml(count + 1, values).encode())
            sheet.write(b"</sheetData></worksheet>")
        for name in ("xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels"):
            _write_part(archive, name, _PARTS[name])
    return count


def _write_part(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def export_rows(village: Any) -> Iterator[dict[str, Any]]:
    """A synthetic village's residents as export rows: tweb_penduduk + its family's KK/alamat + its RT row.

    Residents are read family by family (``SyntheticVillage.households``), so memory stays flat.
    """
    clusters = {row["id"]: row for row in village.wilayah}
    for keluarga, members in village.households():
        for person in members:
            yield export_row(person, keluarga, clusters.get(person["id_cluster"]))


def export_row(
    person: Mapping[str, Any], keluarga: Mapping[str, Any] | None, cluster: Mapping[str, Any] | None
) -> dict[str, Any]:
    """One export row; a missing RW is written as ``-`` as OpenSID does."""
    row = {column: person.get(column) for column in COLUMNS}
    row["no_kk"] = keluarga["no_kk"] if keluarga else person.get("no_kk")
    row["alamat"] = keluarga["alamat"] if keluarga else person.get("alamat")
    if cluster is not None:
        row["dusun"], row["rw"], row["rt"] = cluster["dusun"], cluster["rw"], cluster["rt"]
    else:
        row["dusun"], row["rw"], row["rt"] = person.get("dusun"), person.get("rw"), person.get("rt")
    if row["dusun"] is not None and row["rw"] in (None, ""):
        row["rw"] = "-"
    return row
