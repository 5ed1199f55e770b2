"""Typed models of OpenSID's population records and its reference codes."""

from sid_connector.models.codes import code_for_label, label_for, labels
from sid_connector.models.records import (
    ENTITY_MODELS,
    Desa,
    Keluarga,
    Penduduk,
    Peristiwa,
    PeristiwaKeluarga,
    Record,
    Wilayah,
    stored_model,
)

__all__ = [
    "ENTITY_MODELS",
    "Desa",
    "Keluarga",
    "Penduduk",
    "Peristiwa",
    "PeristiwaKeluarga",
    "Record",
    "Wilayah",
    "code_for_label",
    "label_for",
    "labels",
    "stored_model",
]
