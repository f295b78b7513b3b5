"""Check that every compiled catalogue (.mo) says exactly what its .po file says; exit 1 naming the differences.

The .po file is the source of truth and the .mo is committed beside it (a fresh machine may have no msgfmt), so a
.po edited without `compilemessages` would ship old text. Fuzzy and untranslated entries are left out, as msgfmt
leaves them out.
"""

import gettext
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    return bytes(text[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def po_catalogue(path: Path) -> dict:
    entries, current, key, fuzzy = {}, {}, None, False

    def close():
        nonlocal current, fuzzy
        if "msgid" in current and not fuzzy:
            ctxt = current.get("msgctxt")
            msgid = current["msgid"] if ctxt is None else f"{ctxt}\x04{current['msgid']}"
            if "msgid_plural" in current:
                forms = {int(m[1]): v for n, v in current.items() if (m := re.fullmatch(r"msgstr\[(\d+)\]", n))}
                if any(forms.values()):  # msgfmt keeps every form of a plural entry once one is translated
                    entries.update({(msgid, n): v for n, v in forms.items()})
            elif current.get("msgstr"):
                entries[msgid] = current["msgstr"]
        current, fuzzy = {}, False

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            close()
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        m = FIELD.match(line)
        if m:
            key = m[1]
            current[key] = _unquote(m[2])
        elif line.startswith('"') and key:
            current[key] += _unquote(line)
    close()
    return entries


def main(root: Path = ROOT) -> int:
    problems = []
    for po in sorted(root.glob("healthaction/locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{mo.relative_to(root)} is missing")
            continue
        with mo.open("rb") as fh:
            compiled = dict(gettext.GNUTranslations(fh)._catalog)
        source = po_catalogue(po)
        compiled.pop("", None)
        source.pop("", None)
        missing = sorted(str(k) for k in source.keys() - compiled.keys())
        extra = sorted(str(k) for k in compiled.keys() - source.keys())
        changed = sorted(str(k) for k in source.keys() & compiled.keys() if source[k] != compiled[k])
        for label, keys in (("not compiled", missing), ("compiled but gone from the .po", extra), ("differs", changed)):
            if keys:
                problems.append(f"{po.relative_to(root)}: {len(keys)} {label}, e.g. {keys[:3]}")
    if problems:
        print("translations: the .mo files do not match the .po files; run compilemessages:", *problems, sep="\n  ")
        return 1
    print("translations: every .mo matches its .po")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
