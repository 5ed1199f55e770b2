"""sid-connector: pull, check and push Indonesian village data between OpenSID, a local store and OpenDK."""

from sid_connector.hookspecs import hookimpl
from sid_connector.registrations import ChannelPlugin, RulePack, SinkPlugin, SourcePlugin

__version__ = "0.1.0"

__all__ = ["ChannelPlugin", "RulePack", "SinkPlugin", "SourcePlugin", "__version__", "hookimpl"]
