"""Portals: the province's main portal and the component portals of its departments and
communes (DOMAIN.md §12, issue #14), on Wagtail inside this Django project.

URL layout (fixed; other apps and tools rely on it):

* ``/`` — the main portal's home (the root page of Wagtail's default site). Without any portal
  set up (a fresh database, most unit tests) ``/`` still shows the old landing page
  (``web:home``); the URL name ``web:home`` keeps pointing at ``/``.
* ``/<section>/...`` — the main portal's sections (``/tin-tuc/``, ``/van-ban-cong-khai/``, ...),
  served by Wagtail's page serving (``chinhquyen.portals.views.serve``, URL name
  ``wagtail_serve``), the last pattern of the root URLconf: every other app's URL wins, so
  section slugs must not be a top-level prefix of another app (``RESERVED_SLUGS``).
* ``/cong/`` — the list of component portals; ``/cong/<slug>/...`` — a component portal (its
  home page is a child of the ``/cong/`` index page, so it is reachable under the main site's
  path prefix with no host set up; the demo uses this).
* ``<slug>.<PORTAL_HOST>`` — the same component portal on its own host name: each component
  home is also the root page of its own Wagtail ``Site`` (hostname ``<slug>.<PORTAL_HOST>``,
  settings ``CHINHQUYEN_PORTAL_HOST``); the main portal's site has ``PORTAL_HOST`` itself and is
  the default site. Page URLs are generated relative to the site the request came in on.
* ``/quan-tri-cong-thong-tin/`` — the Wagtail admin (editors); its CSP relaxations
  (settings ``CSP_PATH_OVERRIDES``) apply under this path only.
* ``/cong-thong-tin/tai-lieu/<id>/<filename>`` — Wagtail documents (attachments, open data
  files), always served as attachments (``WAGTAILDOCS_INLINE_CONTENT_TYPES = []``).
* ``/cong-thong-tin/anh/<signature>/<id>/<filter>/<filename>`` — image renditions
  (``wagtailimages_serve``); images are never linked from ``/media/``.
* ``/sitemap.xml`` — the sitemap of the site of the request (HTML sitemap: ``<home>/so-do-trang/``).
* ``<home>/tim-kiem/`` — search of a portal; ``<news index>/rss/`` and ``<news index>/atom/``
  (``?chuyen-muc=<slug>`` for one category) — feeds.

Editors: each portal has a Wagtail group "Biên tập cổng: <portal title>" with page permissions
on its home page (``chinhquyen.portals.sites.editors_group_name``).
"""
