"""OpenSID dump source for sid-connector: a village from an OpenSID database backup, no server needed."""

from sid_connector_opensid_sql.dump import DumpError, DumpReader, RowProblem, iter_rows
from sid_connector_opensid_sql.source import OpenSQLDumpSource
from sid_connector_opensid_sql.writer import write_dump

__all__ = ["DumpError", "DumpReader", "OpenSQLDumpSource", "RowProblem", "iter_rows", "write_dump"]
