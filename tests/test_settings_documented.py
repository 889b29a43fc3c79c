"""Every environment variable the settings read is documented in README.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_CALL = re.compile(r"""\benv(?:_bool|_list)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def settings_env_vars() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "chinhquyen" / "settings").glob("*.py"):
        names |= set(ENV_CALL.findall(path.read_text(encoding="utf-8")))
    return names


def test_settings_read_environment_variables():
    names = settings_env_vars()
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"} <= names


def test_every_environment_variable_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]+)`", readme, flags=re.M))
    missing = sorted(settings_env_vars() - documented)
    assert not missing, f"Document these in README.md's configuration table: {missing}"
