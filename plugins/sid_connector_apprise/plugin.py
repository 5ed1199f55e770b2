"""Registers the ``apprise`` channel (entry point ``apprise``) — only when the apprise package is installed.

The module itself imports without apprise, so the host can load it; the hook raises ImportError with the
fix, and the host reports this plugin as failed while every other plugin keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence

from sid_connector.hookspecs import hookimpl
from sid_connector.registrations import ChannelPlugin

MISSING = (
    "kanal apprise membutuhkan paket 'apprise' yang belum terpasang; "
    "pasang dengan: pip install 'sid-connector[apprise]' (atau pip install apprise)"
)


@hookimpl
def sid_connector_channels() -> Sequence[ChannelPlugin]:
    try:
        import apprise  # noqa: F401
    except ImportError as exc:
        raise ImportError(MISSING) from exc
    from sid_connector_apprise.channel import AppriseChannel

    return [ChannelPlugin(name="apprise", factory=AppriseChannel, description="Banyak layanan lewat URL apprise")]
