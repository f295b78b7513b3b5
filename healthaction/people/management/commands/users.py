"""Reporter accounts for operators: create, reset, deactivate, and the sign-in sheet."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from healthaction.people import services as S
from healthaction.plans.models import Plan


class Command(BaseCommand):
    group = "Operations"
    help = "Reporter accounts: create (one per department and area owing items), reset, deactivate, sheet."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        create = sub.add_parser("create", help="create accounts for the plan's departments and areas without one")
        create.add_argument("--plan", type=int, required=True)
        create.add_argument("--per-unit", type=int, default=1)
        create.add_argument("--all", action="store_true", help="also for those that already have an account")
        for name in ("reset", "deactivate"):
            p = sub.add_parser(name, help=f"{name} an account")
            p.add_argument("username")
        sheet = sub.add_parser("sheet", help="write the sign-in sheet (.xlsx) or print it")
        sheet.add_argument("--plan", type=int, required=True)
        sheet.add_argument("--base-url", default="http://127.0.0.1:8000")
        sheet.add_argument("-o", "--output", help=".xlsx file; without it the sheet is printed as tab-separated text")

    def _plan(self, pk):
        plan = Plan.objects.filter(pk=pk).select_related("org_unit").first()
        if plan is None:
            raise CommandError(f"no plan {pk}")
        return plan

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username}")
        return user

    def handle(self, *args, what, **opts):
        if what == "create":
            users = S.create_accounts(self._plan(opts["plan"]), opts["per_unit"], only_missing=not opts["all"])
            for user in users:
                self.stdout.write(f"{user.username}\t{user.first_name}")
            self.stdout.write(f"created {len(users)} accounts")
        elif what == "reset":
            self.stdout.write(S.reset_account(self._user(opts["username"])))
        elif what == "deactivate":
            S.set_active(self._user(opts["username"]), False)
            self.stdout.write(f"{opts['username']} deactivated")
        elif what == "sheet":
            plan = self._plan(opts["plan"])
            rows = S.sheet_rows(plan, base_url=opts["base_url"].rstrip("/"))
            if opts["output"]:
                with open(opts["output"], "wb") as f:
                    f.write(S.sheet_xlsx(plan, rows))
                self.stdout.write(f"{len(rows)} rows written to {opts['output']}")
            else:
                for r in rows:
                    self.stdout.write(f"{r['reporter']}\t{r['username']}\t{r['link']}\t{r['expires']:%Y-%m-%d %H:%M}")
