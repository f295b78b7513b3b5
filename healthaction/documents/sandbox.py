"""Bounded parsing: read an uploaded document in a child process with a memory ceiling and a time limit.

    draft = parse_bounded(data, "plan.pdf", progress=None, max_memory_mb=1536, timeout_s=300)
    draft, lines = read_bounded(data, "plan.pdf")  # the same, with the document's text lines

returns the same plan draft as `parse_document(data, filename)`, or raises DocumentError (in Chinese) when the
document is bad, when reading it would need more than `max_memory_mb` of address space (a PDF whose streams
decompress to gigabytes, a zip bomb), or when it takes longer than `timeout_s` seconds (the child is killed).
`progress(done, total, stage)` is called in the caller's thread as pages are read (stage "text" or "ocr").

The child is a fresh interpreter (`python -m healthaction.documents.sandbox`), not a fork: the caller may be a
threaded web server or a task worker, where forking is unsafe. It sets RLIMIT_AS on itself before importing any
reader, reads the document from stdin and writes the draft and the document's lines as JSON to stdout; progress
lines go to stderr. The document is read once: a scanned PDF is recognised (OCR) in the child only.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time

from healthaction.documents.errors import DocumentError

DEFAULT_MEMORY_MB = 1536  # OCR (onnxruntime) maps about 700 MB of address space; text parsing far less
DEFAULT_TIMEOUT_S = 300
_PROGRESS = "@@progress "
_RESULT_OK, _RESULT_ERROR, _RESULT_MEMORY = "ok", "error", "memory"


def parse_bounded(
    data: bytes,
    filename: str,
    progress=None,
    max_memory_mb: int = DEFAULT_MEMORY_MB,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> dict:
    """Return the plan draft of a document parsed in a child process with bounded memory and time."""
    return read_bounded(data, filename, progress, max_memory_mb, timeout_s)[0]


def read_bounded(
    data: bytes,
    filename: str,
    progress=None,
    max_memory_mb: int = DEFAULT_MEMORY_MB,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> tuple[dict, list[str]]:
    """Return the plan draft and the document's text lines, both from one reading in a bounded child process."""
    command = [sys.executable, "-m", "healthaction.documents.sandbox", filename, str(int(max_memory_mb))]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    events: queue.Queue = queue.Queue()
    out: list[bytes] = []

    def feed():
        try:
            child.stdin.write(data)
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def collect():
        out.append(child.stdout.read())

    def watch():
        for raw in child.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith(_PROGRESS):
                events.put(line[len(_PROGRESS) :])
        events.put(None)

    threads = [threading.Thread(target=f, daemon=True) for f in (feed, collect, watch)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DocumentError(
                    f"解析文件“{filename}”超过 {timeout_s:g} 秒仍未完成，已停止；请检查文件是否异常，或拆分后上传。"
                )
            try:
                event = events.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if event is None:
                break
            if progress:
                done, total, stage = event.split(" ", 2)
                progress(int(done), int(total), stage)
        child.wait(timeout=max(deadline - time.monotonic(), 1))
    except subprocess.TimeoutExpired:
        raise DocumentError(
            f"解析文件“{filename}”超过 {timeout_s:g} 秒仍未完成，已停止；请检查文件是否异常，或拆分后上传。"
        )
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    for thread in threads:
        thread.join(timeout=5)
    payload = out[0] if out else b""
    try:
        kind, body = json.loads(payload.decode("utf-8")) if payload else (None, None)
    except ValueError:
        kind, body = None, None
    if kind == _RESULT_OK:
        return body["draft"], body["lines"]
    if kind == _RESULT_ERROR:
        raise DocumentError(body)
    # MemoryError reported, or the child died on its limit (a C extension aborting instead of raising)
    raise DocumentError(
        f"文件“{filename}”解析时所需内存超过 {max_memory_mb} MB 的上限，已停止；文件可能含有异常压缩的内容（压缩炸弹）。"
    )


def _child(filename: str, max_memory_mb: int) -> None:
    import resource

    limit = max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    data = sys.stdin.buffer.read()
    stdout = sys.stdout
    try:
        from healthaction.documents.pipeline import read_and_parse

        def report(done, total, stage):
            sys.stderr.write(f"{_PROGRESS}{done} {total} {stage}\n")
            sys.stderr.flush()

        draft, lines = read_and_parse(data, filename, progress=report)
        result = [_RESULT_OK, {"draft": draft, "lines": lines}]
    except DocumentError as exc:
        result = [_RESULT_ERROR, str(exc)]
    except MemoryError:
        result = [_RESULT_MEMORY, ""]
    except Exception as exc:  # a reader library failing on a malformed file: one clear line, no traceback
        result = [_RESULT_ERROR, f"无法读取文件“{filename}”：{type(exc).__name__}。"]
    try:
        stdout.write(json.dumps(result, ensure_ascii=False))
        stdout.flush()
    except MemoryError:
        os._exit(3)


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
