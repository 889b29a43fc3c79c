"""Integer fields validate with PostgreSQL's ranges on every database, so the API and its
OpenAPI schema are the same on SQLite and in production."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models


class _Probe(models.Model):
    small = models.PositiveSmallIntegerField()
    regular = models.IntegerField()

    class Meta:
        app_label = "core"
        managed = False

    def __str__(self) -> str:
        return "probe"


def test_small_integer_rejects_what_postgresql_cannot_store():
    field = _Probe._meta.get_field("small")
    field.run_validators(32767)
    with pytest.raises(ValidationError):
        field.run_validators(32768)


def test_integer_field_is_32_bit():
    field = _Probe._meta.get_field("regular")
    field.run_validators(2**31 - 1)
    with pytest.raises(ValidationError):
        field.run_validators(2**31)
