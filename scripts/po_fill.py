"""Fill empty msgstr entries of a .po file from a UTF-8 TSV (msgid<TAB>msgstr); developer tool.

Usage: python scripts/po_fill.py healthaction/locale/zh_Hans/LC_MESSAGES/django.po translations.tsv
The .po file stays the source of truth; this only saves typing when many strings arrive at once.
"""

import re
import sys


def unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def main(po_path: str, tsv_path: str) -> None:
    table = {}
    for line in open(tsv_path, encoding="utf-8"):
        if "\t" in line:
            key, value = line.rstrip("\n").split("\t", 1)
            table[key] = value
    text = open(po_path, encoding="utf-8").read()
    entries = text.split("\n\n")
    out, missing = [], []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if m and "msgid_plural" not in entry:
            msgid = unquote(m.group(1))
            if msgid and msgid in table and re.search(r'^msgstr ""\s*$', entry, re.M):
                value = table[msgid].replace("\\", "\\\\").replace('"', '\\"')
                entry = re.sub(r'^msgstr ""\s*$', f'msgstr "{value}"', entry, flags=re.M)
                entry = entry.replace("#, fuzzy\n", "")
            elif msgid and re.search(r'^msgstr ""\s*$', entry, re.M):
                missing.append(msgid)
        elif m and "msgid_plural" in entry:
            msgid = unquote(m.group(1))
            if msgid in table:
                value = table[msgid].replace('"', '\\"')
                entry = re.sub(r'^msgstr\[0\] ""\s*$', f'msgstr[0] "{value}"', entry, flags=re.M)
        out.append(entry)
    open(po_path, "w", encoding="utf-8").write("\n\n".join(out))
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
