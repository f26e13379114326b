"""The replica court: one state machine, served over loopback HTTP or by request interception."""

from .accounts import CmecfAccount, PacerAccount, PacerStatus, ReplicaAccounts
from .court import ReplicaCourt
from .faults import Fault, FaultKind, Faults
from .wire import Action, Directive, Reply, Request

__all__ = [
    "Action",
    "CmecfAccount",
    "Directive",
    "Fault",
    "FaultKind",
    "Faults",
    "PacerAccount",
    "PacerStatus",
    "ReplicaAccounts",
    "ReplicaCourt",
    "Reply",
    "Request",
]
