"""Callbacks of the transport between deployments, by event (see ``exchange``'s docstring).

Kept apart from ``exchange`` so that the ``integration`` app can register its callbacks in
``ready()`` without importing the document services at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

HOOKS: dict[str, list[Callable[..., None]]] = {"message_created": [], "status_recorded": []}
