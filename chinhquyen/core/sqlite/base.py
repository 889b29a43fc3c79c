"""SQLite backend that validates integers with the same ranges as PostgreSQL.

Django's SQLite backend lets every integer field hold 64 bits, so a model's validators (and
the OpenAPI schema drf-spectacular derives from them) would differ between the embedded
database and production: a value accepted on SQLite could fail on PostgreSQL. With the base
ranges (SmallIntegerField ±32767, IntegerField ±2**31, ...) both behave alike. Every
connection also gets the Vietnamese collation PostgreSQL has (``core.collation``).
"""

from typing import Any

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    integer_field_range = BaseDatabaseOperations.integer_field_range


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params: Any) -> Any:
        """Every connection knows the Vietnamese collation (``chinhquyen.core.collation``)."""
        from chinhquyen.core.collation import COLLATION, vietnamese_compare

        connection = super().get_new_connection(conn_params)
        connection.create_collation(COLLATION, vietnamese_compare)
        return connection
