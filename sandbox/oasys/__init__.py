"""A stand-in for the OASys assessment SOAP service, honouring oasys-assessments.wsdl."""

from sandbox.oasys.app import FaultConfig, OasysState, create_oasys_app
from sandbox.oasys.dataset import CaseFacts, OasysDataset, SentencedEvent, build_dataset
from sandbox.oasys.delius import facts_from_delius
from sandbox.oasys.server import OasysServer, start_oasys_server

__all__ = [
    "CaseFacts",
    "FaultConfig",
    "OasysDataset",
    "OasysServer",
    "OasysState",
    "SentencedEvent",
    "build_dataset",
    "create_oasys_app",
    "facts_from_delius",
    "start_oasys_server",
]
