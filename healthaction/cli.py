"""The `healthaction` console command: healthaction's own commands first, Django's management commands behind them.

`healthaction serve` maps to the `ha_serve` management command (Django's own `runserver` stays available);
every other name is passed to Django unchanged, so `healthaction migrate`, `healthaction shell` … still work.
"""

import os
import sys

ALIASES = {"serve": "ha_serve"}

# (group, [(command, one line)]) in the order `healthaction --help` prints them
COMMANDS = [
    (
        "Run",
        [
            ("serve", "migrate, then serve with gunicorn and one task worker (--dev: development server; --no-worker)"),
            ("worker", "run background jobs and the schedule (reminders, nightly evaluation, weekly backup)"),
            ("demo", "create or refresh the demo city, plan, values and logins"),
        ],
    ),
    (
        "Plans and data",
        [
            ("parse", "read plan documents (.txt, .docx, .pdf) into interchange JSON"),
            ("plan", "export or import a plan in the interchange format"),
            ("values", "import or export reported values"),
            ("evaluate", "recompute statuses, forecasts and assessment scores"),
            ("report", "write the annual report, circular or Excel export (.docx, PDF, .xlsx)"),
        ],
    ),
    (
        "Operations",
        [
            ("backup", "write the database and every uploaded file to a .zip with checksums (--portable)"),
            ("restore", "restore a backup into an empty database, after checking all of it"),
            ("users", "list, create and change users and their roles"),
            ("areas", "set up areas from the official division codes: areas add CODE, areas find NAME"),
        ],
    ),
]


def help_text() -> str:
    lines = ["usage: healthaction COMMAND [options]   (healthaction COMMAND --help for its options)", ""]
    for group, commands in COMMANDS:
        lines.append(f"{group}:")
        lines += [f"  {name:<10} {text}" for name, text in commands]
        lines.append("")
    lines.append("Django's management commands (migrate, createsuperuser, changepassword, shell, …) work too:")
    lines.append("  healthaction help --django   lists them all")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv == ["help"]:
        print(help_text())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthaction.settings")
    if argv[0] == "serve" and "--dev" not in argv:
        # hashed, compressed static file names served by WhiteNoise (settings.STORAGES); collected at start
        os.environ.setdefault("STATIC_MANIFEST", "1")
    if argv[:2] == ["help", "--django"]:
        argv = ["help"]
    from django.core.management import execute_from_command_line

    if argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    execute_from_command_line(["healthaction", *argv])


if __name__ == "__main__":
    main()
