"""The range of database ids (``BigAutoField``, the project's default): API inputs that name an
object by id are validated against it, so that a number no database row can have is answered
with a 400, not with the database driver's overflow error (a 500)."""

MAX_ID = 2**63 - 1
