"""The one environment reader: strict about what it accepts, default when unset or empty."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from healthaction.core.env import env_bool, env_float, env_int, env_list, env_str


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
    ],
)
def test_bool_words(monkeypatch, raw, expected):
    monkeypatch.setenv("HA_T", raw)
    assert env_bool("HA_T", not expected) is expected


def test_unset_or_empty_takes_the_default(monkeypatch):
    monkeypatch.delenv("HA_T", raising=False)
    assert env_bool("HA_T", True) is True
    assert env_int("HA_T", 7) == 7
    monkeypatch.setenv("HA_T", "  ")
    assert env_bool("HA_T", True) is True
    assert env_float("HA_T", 0.25) == 0.25
    assert env_str("HA_T", "x") == "x"


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (env_bool, "ture", "HA_T must be one of 0, 1, false, no, off, on, true, yes, not 'ture'"),
        (env_int, "80a", "HA_T must be a whole number, not '80a'"),
        (env_float, "0,5", "HA_T must be a number, not '0,5'"),
    ],
)
def test_a_typo_is_an_error_naming_the_variable(monkeypatch, reader, raw, message):
    monkeypatch.setenv("HA_T", raw)
    with pytest.raises(ImproperlyConfigured) as err:
        reader("HA_T", 1)
    assert str(err.value) == message


def test_minimum(monkeypatch):
    monkeypatch.setenv("HA_T", "-1")
    with pytest.raises(ImproperlyConfigured, match="HA_T must be at least 0, not -1"):
        env_int("HA_T", 1, minimum=0)


def test_list_drops_blanks(monkeypatch):
    monkeypatch.setenv("HA_T", "a.example, ,b.example,")
    assert env_list("HA_T") == ["a.example", "b.example"]


def test_settings_refuse_a_misspelt_boolean(tmp_path):
    """DEBUG=ture used to read as False silently; now the settings do not load."""
    env = {
        **os.environ,
        "DEBUG": "ture",
        "HEALTHACTION_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "healthaction.settings",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "DEBUG must be one of 0, 1, false, no, off, on, true, yes, not 'ture'" in done.stderr
