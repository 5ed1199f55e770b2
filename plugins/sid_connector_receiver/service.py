"""Wires settings, inbox, pipeline worker and app together from a loaded config (for ``serve`` and tests)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp

from sid_connector.config import Config
from sid_connector.plugins import PluginHost
from sid_connector_receiver.app import build_app
from sid_connector_receiver.receiver import Receiver
from sid_connector_receiver.settings import ReceiverSettings, load_settings
from sid_connector_receiver.worker import PipelineWorker


@dataclass(slots=True)
class Service:
    """A ready receiver: the ASGI app, and the worker that runs the pipeline (``None`` when disabled)."""

    app: ASGIApp
    receiver: Receiver
    worker: PipelineWorker | None
    settings: ReceiverSettings

    def close(self) -> None:
        if self.worker is not None:
            self.worker.wait_idle(timeout=60)
            self.worker.stop()


def create_service(config: Config, host: PluginHost, *, settings: ReceiverSettings | None = None) -> Service:
    settings = settings or load_settings(config)
    worker = None
    if settings.run_pipeline:
        worker = PipelineWorker.for_config(config, host, str(settings.inbox))
    receiver = Receiver(settings, on_push=worker.submit if worker else None)
    return Service(build_app(receiver), receiver, worker, settings)
