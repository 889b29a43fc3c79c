"""The production WSGI application, with what a request needs loaded up front.

gunicorn ``--preload`` imports this module once in the master; forked workers then inherit the
URL configuration, the view modules and the statutory calendar instead of building them on
their first request (seconds on a small machine: longer than the crash test lets a worker
live). Nothing here touches the database: each worker opens its own connection after the fork.
"""

import datetime as dt

from django.urls import get_resolver

from chinhquyen.core.calendar import law_year
from chinhquyen.wsgi import application

get_resolver().url_patterns  # noqa: B018 (imports every app's views and serializers)
for _year in range(dt.date.today().year - 1, dt.date.today().year + 2):
    law_year(_year)  # the `holidays` package: hundreds of modules and the lunar calendar

__all__ = ["application"]
