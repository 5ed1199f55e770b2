"""First-party source plugin: OpenSID's resident workbook (the ``penduduk/ekspor`` / import format)."""
