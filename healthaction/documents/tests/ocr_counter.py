"""Count OCR passes, in this process and in the child processes it starts (the bounded parser's sandbox).

Each call of the recognition engine appends the calling process's id to a log file. In this process the test
patches `ocr._engine` itself (`counted`); a child process picks the same patch up from a `sitecustomize` module
that `install_in_children` writes to a directory put first on PYTHONPATH.
"""

import os
from pathlib import Path

LOG_VARIABLE = "HEALTHACTION_TEST_OCR_LOG"

SITECUSTOMIZE = f'''import os

if os.environ.get("{LOG_VARIABLE}"):
    from healthaction.documents.readers import ocr
    from healthaction.documents.tests.ocr_counter import counted

    ocr._engine = counted(ocr._engine, os.environ["{LOG_VARIABLE}"])
'''


class _Counted:
    def __init__(self, engine, log: str):
        self.engine, self.log = engine, log

    def __call__(self, *args, **kwargs):
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return self.engine(*args, **kwargs)


def counted(engine_factory, log: str):
    """`ocr._engine` whose engines log every call (one call recognises one page)."""

    def factory(*args, **kwargs):
        return _Counted(engine_factory(*args, **kwargs), log)

    return factory


def install_in_children(monkeypatch, folder: Path, log: Path) -> None:
    """Make every Python child process started from now on (with this environment) count its OCR passes."""
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    paths = [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv(LOG_VARIABLE, str(log))


def passes(log: Path) -> list[int]:
    """The process ids of the OCR passes logged, one per pass."""
    return [int(pid) for pid in log.read_text(encoding="utf-8").split()] if log.exists() else []
