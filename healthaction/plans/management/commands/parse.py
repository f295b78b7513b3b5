import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from healthaction.documents import DocumentError, parse_document
from healthaction.documents.readers import MAX_INPUT_BYTES


class Command(BaseCommand):
    group = "Plans and data"
    help = "Read plan documents (.txt, .docx, .pdf, .doc, .wps) or workbooks (.xlsx, .xls, .et, .ods) into the plan interchange format."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        out = parser.add_mutually_exclusive_group()
        out.add_argument(
            "--json", action="store_true", help="print the plan JSON (a list when several files are given)"
        )
        out.add_argument("--summary", action="store_true", help="print a table of counts per action")

    def handle(self, *args, **options):
        drafts = []
        for name in options["files"]:
            path = Path(name)
            try:
                if not path.is_file():
                    raise DocumentError(f"找不到文件“{name}”。")
                if path.stat().st_size > MAX_INPUT_BYTES:
                    raise DocumentError(
                        f"文件“{name}”有 {path.stat().st_size / 1048576:.0f} MB，超过 {MAX_INPUT_BYTES // 1048576} MB 的上限。"
                    )
                drafts.append(parse_document(path.read_bytes(), path.name))
            except DocumentError as exc:
                # exit code 2 with one line, no traceback (CommandError's default is 1)
                raise CommandError(str(exc), returncode=2)
        if options["summary"]:
            for name, draft in zip(options["files"], drafts):
                self.stdout.write(self._summary(name, draft))
            return
        payload = drafts[0] if len(drafts) == 1 else drafts
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _summary(self, name: str, draft: dict) -> str:
        plan = draft["plan"]
        lines = [
            f"{name}: {plan['title']} · {plan['issuer'] or plan['org_unit']['name']}"
            f" · {plan['doc_number'] or '—'} · {plan['horizon']['start']}–{plan['horizon']['end']}"
        ]
        lines.append(f"{'#':>3}  {'action':<24}{'indicators':>11}{'targets':>9}{'tasks':>7}")
        for action in draft["actions"]:
            inds = [i for i in draft["indicators"] if i["action"] == action["number"]]
            tasks = [t for t in draft["tasks"] if t["action"] == action["number"]]
            lines.append(
                f"{action['number']:>3}  {action['name']:<24}{len(inds):>11}{sum(len(i['targets']) for i in inds):>9}{len(tasks):>7}"
            )
        loose = [i for i in draft["indicators"] if i["action"] is None]
        if loose:
            lines.append(
                f"{'':>3}  {'(plan level)':<24}{len(loose):>11}{sum(len(i['targets']) for i in loose):>9}{0:>7}"
            )
        lines.append(
            f"total: {len(draft['actions'])} actions, {len(draft['indicators'])} indicators, {len(draft['tasks'])} tasks, "
            f"{len(draft['departments'])} departments, {len(draft['reporting_cycles'])} reporting cycles, {len(draft['warnings'])} warnings"
        )
        return "\n".join(lines)
