"""`healthaction --help` is generated from the commands: none of healthaction's own commands is left out."""

import subprocess
import sys
from pathlib import Path

import healthaction

PACKAGE = Path(healthaction.__file__).parent


def test_help_lists_every_command_of_ours():
    done = subprocess.run(
        [sys.executable, "-m", "healthaction.cli", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("  ") and line.strip()}
    on_disk = {p.stem for p in PACKAGE.glob("*/management/commands/*.py") if not p.stem.startswith("_")}
    expected = {"serve" if name == "ha_serve" else name for name in on_disk}
    # the three the hand-written list used to leave out
    assert {"due_items", "send_reminders", "catalogue"} <= listed
    assert expected <= listed, expected - listed
    assert (
        "  serve           Migrate, collect static files, then serve with gunicorn and one task worker" in done.stdout
    )
    assert done.stdout.index("Run:") < done.stdout.index("Plans and data:") < done.stdout.index("Operations:")
