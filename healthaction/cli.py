"""The `healthaction` console command: healthaction's own commands first, Django's management commands behind them.

`healthaction serve` maps to the `ha_serve` management command (Django's own `runserver` stays available);
every other name is passed to Django unchanged, so `healthaction migrate`, `healthaction shell` … still work.
"""

import os
import sys

import django
from django.core.management import execute_from_command_line, get_commands, load_command_class

ALIASES = {"serve": "ha_serve"}

GROUPS = ("Run", "Plans and data", "Operations")  # the order `healthaction --help` prints them; others follow


def _summary(text: str) -> str:
    """The first sentence of a command's help, on one line."""
    text = " ".join((text or "").split())
    cut = text.find(". ")
    return text[: cut + 1] if cut >= 0 else text


def healthaction_commands() -> dict[str, list[tuple[str, str]]]:
    """{group: [(name, summary)]} read from healthaction's own management commands (their `help` and `group`)."""
    django.setup()
    names = {v: k for k, v in ALIASES.items()}
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, app in sorted(get_commands().items()):
        if not app.startswith("healthaction"):
            continue
        command = load_command_class(app, name)
        group = getattr(command, "group", "Other")
        groups.setdefault(group, []).append((names.get(name, name), _summary(command.help)))
    order = [g for g in GROUPS if g in groups] + sorted(g for g in groups if g not in GROUPS)
    return {g: groups[g] for g in order}


def help_text() -> str:
    lines = ["usage: healthaction COMMAND [options]   (healthaction COMMAND --help for its options)", ""]
    for group, commands in healthaction_commands().items():
        lines.append(f"{group}:")
        lines += [f"  {name:<15} {text}" for name, text in commands]
        lines.append("")
    lines.append("Django's management commands (migrate, createsuperuser, changepassword, shell, …) work too:")
    lines.append("  healthaction help --django   lists them all")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthaction.settings")
    if not argv or argv[0] in ("-h", "--help") or argv == ["help"]:
        print(help_text())
        return
    if argv[0] == "serve" and "--dev" not in argv:
        # hashed, compressed static file names served by WhiteNoise (settings.STORAGES); collected at start
        os.environ.setdefault("STATIC_MANIFEST", "1")
    if argv[:2] == ["help", "--django"]:
        argv = ["help"]
    if argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    execute_from_command_line(["healthaction", *argv])


if __name__ == "__main__":
    main()
