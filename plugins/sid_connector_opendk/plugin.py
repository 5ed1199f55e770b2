"""Registers the ``opendk`` sink."""

from sid_connector import SinkPlugin, hookimpl
from sid_connector_opendk.sink import OpenDKSink


@hookimpl
def sid_connector_sinks() -> list[SinkPlugin]:
    return [SinkPlugin(name="opendk", factory=OpenDKSink, description="OpenDK kecamatan: sync API")]
