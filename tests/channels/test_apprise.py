"""The optional apprise channel, delivering through apprise's ``json://`` service to a loopback simulator."""

from __future__ import annotations

import apprise  # noqa: F401  (the test extra installs it)
import pytest

from sid_connector.channels import ChannelError
from sid_connector_apprise.channel import AppriseChannel
from tests.channels.conftest import MASKED_NIK, NIK, make_message
from tests.channels.simulator import Reply, Simulator


def json_url(sim: Simulator, path: str) -> str:
    return sim.url.replace("http://", "json://") + path


def test_routes_by_address_and_scrubs(sim: Simulator) -> None:
    sim.handler = lambda request: Reply(200, {"ok": True})
    channel = AppriseChannel({"urls": {"kadus-krajan": json_url(sim, "/krajan"), "sekdes": [json_url(sim, "/sekdes")]}})
    channel.send(make_message(address="kadus-krajan", text=f"NIK {NIK} perlu dicek"))
    assert [request.path for request in sim.requests] == ["/krajan"]
    payload = sim.requests[0].json()
    assert payload["message"] == f"NIK {MASKED_NIK} perlu dicek"
    assert payload["title"].startswith("NIK-FORMAT")
    with pytest.raises(ChannelError) as info:
        channel.send(make_message(address="kadus-lain"))
    assert info.value.retryable is False
    channel.close()


def test_broadcast_list_and_failure_is_retryable(sim: Simulator) -> None:
    sim.queue(Reply(500, {"error": "down"}))
    channel = AppriseChannel({"urls": [json_url(sim, "/ops")]})
    assert channel.check()[0].ok
    with pytest.raises(ChannelError) as info:
        channel.send(make_message(address="apa saja"))
    assert info.value.retryable is True
    channel.close()


@pytest.mark.parametrize("urls", [None, [], "bukan-url-apprise", {"x": 3}])
def test_bad_urls_option_names_it(urls: object) -> None:
    with pytest.raises(ValueError, match="'urls'"):
        AppriseChannel({"urls": urls})
