"""Accuracy of the plan reader on real public texts, against hand transcriptions made without reading the reader.

The texts and transcriptions are in tests/real/: set1/NN_name.txt with NN_name.json (public pages, see
set1/SOURCES.md), set2/ likewise (collected after set 1 was used to fix the reader, held out, then used for fixing in
the second round, see set2/SOURCES.md), set3/ likewise (a second held-out set for issue 27's blind round, see
set3/SOURCES.md), and seeds/seed_NAME.json for the five seed documents of ../shared/seeds (the seed texts are not
copied here; they are read from HEALTHACTION_SEEDS_DIR, else from ../shared/seeds next to the repository, else
/work/shared/seeds).

Print the table of scores with `python -m healthaction.documents.tests.real_texts` (add `-v` for every miss).
"""

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from healthaction.documents import parse_document
from healthaction.documents.scoring import Score, score

REAL = Path(__file__).resolve().parent / "real"

# the sets of public texts, each a folder of NN_name.txt with NN_name.json and a SOURCES.md
TEXT_SETS = ("set1", "set2", "set3")

# transcription name -> the seed file it transcribes
SEED_FILES = {
    "seed_shuozhou": "000_8394d9142fc60580.txt",
    "seed_taian": "001_d01c26bc606a5bbf.txt",
    "seed_jiafeng": "002_e3cc1c46042f0e3f.txt",
    "seed_naiman": "003_adff24961eae605a.txt",
    "seed_yunfu": "004_761ed102bf2849c9.txt",
}


@dataclass
class Case:
    name: str
    text: Path | None  # None when the seed text is not on this machine
    transcription: Path


def seeds_dir() -> Path | None:
    candidates = [os.environ.get("HEALTHACTION_SEEDS_DIR")]
    candidates += [str(Path(__file__).resolve().parents[3].parent / "shared" / "seeds"), "/work/shared/seeds"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def cases() -> list[Case]:
    found = [
        Case(f"{text_set}/{json_path.stem}", json_path.with_suffix(".txt"), json_path)
        for text_set in TEXT_SETS
        for json_path in sorted((REAL / text_set).glob("*.json"))
    ]
    directory = seeds_dir()
    for json_path in sorted((REAL / "seeds").glob("seed_*.json")):
        text = directory / SEED_FILES[json_path.stem] if directory else None
        found.append(Case(f"seeds/{json_path.stem}", text if text and text.is_file() else None, json_path))
    return found


def score_case(case: Case) -> Score:
    """Parse the case's text as the reader would receive it and score the draft against the transcription."""
    draft = parse_document(case.text.read_bytes(), case.text.name)
    return score(draft, json.loads(case.transcription.read_text(encoding="utf-8")))


def _cell(passed: int, checks: int) -> str:
    return f"{passed:>4}/{checks:<4} {passed / checks:6.1%}" if checks else f"{'-':>4}/{'-':<4} {'':>6}"


def table(results: list[tuple[str, Score]]) -> str:
    """The scores per file and in total: indicator, target, task and department checks passed."""
    areas = ("indicator", "target", "task", "department")
    lines = [f"{'file':<42}" + "".join(f"{area + 's':>18}" for area in areas)]
    total = Score()
    for name, result in results:
        lines.append(f"{name:<42}" + "".join(f"{_cell(*_counts(result, area)):>18}" for area in areas))
        for area in areas:
            for suffix in ("checks", "passed"):
                key = f"{area}_{suffix}"
                setattr(total, key, getattr(total, key) + getattr(result, key))
    lines.append(f"{'TOTAL':<42}" + "".join(f"{_cell(*_counts(total, area)):>18}" for area in areas))
    return "\n".join(lines)


def _counts(result: Score, area: str) -> tuple[int, int]:
    return getattr(result, f"{area}_passed"), getattr(result, f"{area}_checks")


def main(argv: list[str]) -> int:
    results = []
    for case in cases():
        if case.text is None:
            print(f"{case.name}: seed text not found (set HEALTHACTION_SEEDS_DIR)")
            continue
        result = score_case(case)
        results.append((case.name, result))
        if "-v" in argv:
            for miss in result.misses:
                print(f"  {case.name}: {miss}")
    print(table(results))
    for text_set in TEXT_SETS:  # each set's own total
        subset = [(name, result) for name, result in results if name.startswith(f"{text_set}/")]
        print(f"\n{text_set} only:\n" + table(subset).splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
