"""Audit plumbing shared by every service: who made a write.

django-auditlog records every change to a registered model; inside a request its middleware
sets the actor. Services also run from commands, tasks and tests, so each service wraps its
writes in ``audit_actor(actor)`` to attribute them explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import set_actor


@contextmanager
def audit_actor(actor: object | None, remote_addr: str | None = None) -> Iterator[None]:
    if actor is None or not getattr(actor, "pk", None):
        yield
        return
    with set_actor(actor, remote_addr=remote_addr):
        yield
