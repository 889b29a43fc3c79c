"""SQLite backend that validates integers with the same ranges as PostgreSQL.

Django's SQLite backend lets every integer field hold 64 bits, so a model's validators (and
the OpenAPI schema drf-spectacular derives from them) would differ between the embedded
database and production: a value accepted on SQLite could fail on PostgreSQL. With the base
ranges (SmallIntegerField ±32767, IntegerField ±2**31, ...) both behave alike.
"""

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    integer_field_range = BaseDatabaseOperations.integer_field_range


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
