"""Editorial workflow and anti-defacement of the portals (issue #14 items 3 and 4).

A Django app of its own (label ``portal_editorial``) inside ``chinhquyen.portals``:

- :mod:`.workflow` — per portal: writer, editor and approver groups, a collection of images
  and documents, and a Wagtail workflow (editors, then approvers) on its home page;
  :func:`ensure_workflow` is called by the portal's creation;
- :mod:`.auditing` — every action Wagtail logs (publish, unpublish, workflow steps, revert,
  scheduled publishing...) copied into the platform's audit log with its user;
- :mod:`.middleware` — the Wagtail admin only for officials whose session passed TOTP;
- :mod:`.uploads` — Wagtail's image and document forms with the platform's upload checks and
  required alt text;
- :mod:`.integrity` — fingerprints of published pages and the periodic check (security events,
  alerts, optional automatic restore);
- :mod:`.tasks` — the scheduled publishing job and the integrity job.
"""

from __future__ import annotations

from typing import Any


def ensure_workflow(portal: Any) -> Any:
    """Groups, collection and workflow of a portal, given its home page or its Wagtail site
    (see :mod:`.workflow`)."""
    from .workflow import ensure_workflow as ensure

    return ensure(portal)
