"""The checks the test command runs before the suite: compiled translations match their source."""

import shutil
import subprocess
import sys
from pathlib import Path

import healthaction

ROOT = Path(healthaction.__file__).parent.parent
SCRIPT = ROOT / "scripts" / "check_translations.py"


def _run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, timeout=60)


def test_committed_catalogue_matches(tmp_path):
    done = _run(ROOT)
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip() == "translations: every .mo matches its .po"


def test_a_po_edit_without_compiling_is_caught(tmp_path):
    shutil.copytree(ROOT / "healthaction" / "locale", tmp_path / "healthaction" / "locale")
    po = tmp_path / "healthaction/locale/zh_Hans/LC_MESSAGES/django.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "简体中文"' in text
    po.write_text(text.replace('msgstr "简体中文"', 'msgstr "中文（简体）"', 1), encoding="utf-8")
    done = _run(tmp_path)
    assert done.returncode == 1
    assert "1 differs, e.g. ['Simplified Chinese']" in done.stdout
