"""A faithful OpenDK simulator (ASGI) for tests: contract, quirks and injectable faults."""

from sid_connector_opendk.simulator.app import build_app
from sid_connector_opendk.simulator.server import Simulator, run_simulator
from sid_connector_opendk.simulator.state import DesaRow, Fault, RequestRecord, SimulatorState

__all__ = ["DesaRow", "Fault", "RequestRecord", "Simulator", "SimulatorState", "build_app", "run_simulator"]
