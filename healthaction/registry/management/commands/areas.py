from django.core.management.base import BaseCommand, CommandError

from healthaction.registry import divisions
from healthaction.registry.services import AreaError, add_area


class Command(BaseCommand):
    group = "Operations"
    help = (
        "Set up areas from the official division codes: areas add CODE (with its ancestors and lower units),"
        " areas find NAME."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="Create an area with its ancestors and every unit below it (idempotent).")
        add.add_argument("codes", nargs="+", metavar="CODE", help="official code, e.g. 150525 or 140521")
        find = sub.add_parser("find", help="Find divisions by name (or code) in the shipped data.")
        find.add_argument("text")

    def handle(self, *args, **options):
        if options["verb"] == "find":
            hits = divisions.search(options["text"])
            if not hits:
                raise CommandError(f"No division named like “{options['text']}”.")
            for d in hits:
                self.stdout.write(f"{d.code}\t{d.level}\t{divisions.label(d)}")
            return
        for code in options["codes"]:
            try:
                result = add_area(code)
            except AreaError as exc:
                raise CommandError(str(exc))
            name = divisions.label(divisions.get(result.unit.code))
            self.stdout.write(
                f"{result.unit.code} {name}: {result.created} org units created, {result.existing} already there"
            )
