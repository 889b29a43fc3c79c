"""What an official signs with his own device (two-step signing, ``deferred``) and how the
document moves on once the signature is in: a registry the apps above signing fill from
their ``ready()`` (kept free of pyHanko, which start-up must not load).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from chinhquyen.accounts.models import User

    from .models import PreparedSignature


@dataclass(frozen=True)
class SigningTarget:
    """What a purpose's loader returns for one target: the PDF to sign and its labels."""

    pdf: bytes
    description: str
    target: models.Model
    reason: str = ""
    location: str = ""


CompletionHook = Callable[["PreparedSignature", bytes], None]
TargetLoader = Callable[["User", str], SigningTarget]


@dataclass(frozen=True)
class Purpose:
    name: str
    complete: CompletionHook
    load: TargetLoader | None = None


_PURPOSES: dict[str, Purpose] = {}


def register_purpose(
    name: str, *, complete: CompletionHook, load: TargetLoader | None = None
) -> None:
    """``load(actor, target_id)`` checks that ``actor`` may sign the target now and returns
    it; ``complete(prepared, signed_pdf)`` runs in the completing transaction once the signed
    PDF has passed verification (e.g. the documents app stores it and moves the document on).
    Either may raise ``DomainError``."""
    _PURPOSES[name] = Purpose(name=name, complete=complete, load=load)


def register_completion_hook(name: str, hook: CompletionHook) -> None:
    register_purpose(name, complete=hook)
