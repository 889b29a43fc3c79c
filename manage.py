#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings.dev")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError, ProgrammingError

    try:
        execute_from_command_line(sys.argv)
    except (OperationalError, ProgrammingError) as error:
        # No database yet (``make install`` without ``make migrate``), or one not migrated:
        # one line naming the missing step instead of a traceback (--traceback shows it).
        if "--traceback" in sys.argv:
            raise
        from chinhquyen.core.cli import database_problem

        sys.stderr.write(database_problem(error) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
