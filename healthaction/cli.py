"""The `healthaction` console command: a thin wrapper over Django management commands.

`healthaction demo`, `healthaction serve`, `healthaction plan import FILE`,
`healthaction parse FILE --json` ... map to `manage.py <command>`; `serve`
migrates first and runs the development server.
"""

import os
import sys

ALIASES = {"serve": "ha_serve", "demo": "demo", "plan": "plan", "parse": "parse"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthaction.settings")
    from django.core.management import execute_from_command_line

    if argv and argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    execute_from_command_line(["healthaction", *argv])


if __name__ == "__main__":
    main()
