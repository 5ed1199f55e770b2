"""Registers the ``apprise`` channel (entry point ``apprise``) — only when the apprise package is installed.

The module itself imports without apprise, so the host can load it. Without apprise the hook registers
nothing and says so at INFO level (``-v``): an optional extra that is not installed is not a failure, and must not
warn on every cron run. Configuring an ``apprise`` channel without it is reported by the notifier as an unknown
channel; the fix is ``pip install 'sid-connector[apprise]'``.
"""

from __future__ import annotations

import logging
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
    except ImportError:
        logging.getLogger(__name__).info(MISSING)
        return []
    from sid_connector_apprise.channel import AppriseChannel

    return [ChannelPlugin(name="apprise", factory=AppriseChannel, description="Banyak layanan lewat URL apprise")]
