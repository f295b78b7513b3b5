"""Fill a .po file from a UTF-8 TSV (msgid<TAB>msgstr); developer tool.

Usage: python scripts/po_fill.py healthaction/locale/zh_Hans/LC_MESSAGES/django.po translations.tsv
Entries that are empty or marked fuzzy by makemessages take the TSV's translation (the fuzzy mark goes);
the .po file stays the source of truth.
A msgid given a context with pgettext is keyed "context|msgid" in the TSV. Prints the msgids still untranslated.
"""

import re
import sys
from pathlib import Path


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"').replace("\\\\", "\\")


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def main(po_path: str, tsv_path: str) -> None:
    table = {}
    for line in Path(tsv_path).read_text(encoding="utf-8").splitlines(keepends=True):
        if "\t" in line:
            key, value = line.rstrip("\n").split("\t", 1)
            table[key] = value
    entries = Path(po_path).read_text(encoding="utf-8").split("\n\n")
    out, missing = [], []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        msgid = _unquote(m.group(1)) if m else ""
        c = re.search(r'^msgctxt ((?:".*"\n?)+)', entry, re.M)
        if c and msgid:  # a word with a context (pgettext) is keyed "context|msgid" in the TSV
            msgid = f"{_unquote(c.group(1))}|{msgid}"
        fuzzy = "#, fuzzy" in entry
        if not msgid:
            out.append(entry)
            continue
        plural = "msgid_plural" in entry
        empty = bool(re.search(r'^msgstr(?:\[0\])? ""\s*$', entry, re.M))
        if (empty or fuzzy) and msgid in table:
            value = _quote(table[msgid])
            if plural:
                entry = re.sub(r'^msgstr\[0\] (?:".*"\n?)+', f'msgstr[0] "{value}"\n', entry, flags=re.M).rstrip("\n")
            else:
                entry = re.sub(r'^msgstr (?:".*"\n?)+', f'msgstr "{value}"\n', entry, flags=re.M).rstrip("\n")
            entry = re.sub(r"^#\| .*\n?", "", entry, flags=re.M)
            entry = entry.replace("#, fuzzy, python-format", "#, python-format").replace("#, fuzzy\n", "")
        elif empty or fuzzy:
            missing.append(msgid)
        out.append(entry)
    Path(po_path).write_text("\n\n".join(out), encoding="utf-8")
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
