"""The one reader of the environment: settings, `serve` and the security checks all parse variables here.

Strict, as healthchecks' `envbool`: a value that is set but cannot be read (a typo such as DEBUG=ture, a port
of "80a") stops the start with the variable's name and what it accepts, instead of quietly taking the default.
An unset or empty variable takes the default. This module imports nothing from Django but its exception, so
settings.py can use it.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(TRUE | FALSE))}, not {value!r}")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_float(name: str, default: float, minimum: float | None = None) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blanks between commas are dropped."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]
