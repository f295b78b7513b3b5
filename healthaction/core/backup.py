"""Backup and restore: the database through its own tools, plus every uploaded file, in one .zip with checksums.

- SQLite: the online backup API copies a consistent snapshot while the site runs (`database.sqlite3`).
- PostgreSQL: `pg_dump --format=custom` (`database.pgdump`), restored by `pg_restore --single-transaction`.
- Portable (`--portable`): every table as JSON lines, streamed row by row, restorable into the other database
  kind (SQLite → PostgreSQL and back) with every value identical; texts are JSON strings, so they come back
  byte for byte (leading and trailing whitespace included).

`manifest.json` lists every member with its size and SHA-256. A restore first checks the whole archive — member
names (no absolute paths, no `..`, nothing unexpected), sizes and checksums — and refuses a non-empty database,
before it writes anything; the database is then loaded in one transaction and the files moved into place only
after it commits. The row counts in the manifest are read from the snapshot itself (the copied SQLite file; on
PostgreSQL inside the exported snapshot pg_dump reads), so saves during a backup cannot make them disagree. A restore
is all or nothing: on any failure after the database was touched (a file that cannot be placed, migrate, the count
check) the database is put back as it was (empty) and the files placed are removed, so a retry is accepted.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

FORMAT, VERSION = "healthaction-backup", 2
MANIFEST = "manifest.json"
SQLITE_MEMBER, PG_MEMBER, TABLES = "database.sqlite3", "database.pgdump", "tables/"
CHUNK = 1 << 20
BATCH = 1000
# rows migrate creates by itself, and sessions (tied to SECRET_KEY, worthless elsewhere): not "data"
NOT_DATA = ["contenttypes", "auth.permission", "sessions"]
# kept for older callers and tests: what table_counts() leaves out
EXCLUDE = NOT_DATA + ["axes", "admin.logentry"]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _excluded(label: str, excluded: list[str]) -> bool:
    return any(label == e or label.startswith(e + ".") for e in excluded)


def data_models(excluded: list[str] = NOT_DATA):
    """Every concrete model with a table of its own (many-to-many tables included), in label order."""
    models = [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy and m._meta.managed]
    return sorted(
        (m for m in models if not _excluded(m._meta.label_lower, excluded)), key=lambda m: m._meta.label_lower
    )


def table_counts(excluded: list[str] = EXCLUDE) -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    return {
        m._meta.label_lower: (m._base_manager.count() if m._meta.db_table in existing else 0)
        for m in data_models(excluded)
    }


def _plain(value):
    """Equal values print alike: the database driver may hand back a different but equal tzinfo object."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, float):
        return value + 0.0  # -0.0 and 0.0 are the same number
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)  # PostgreSQL's jsonb keeps an object's keys in an order of its own
    return value


def fingerprint() -> dict[str, str]:
    """A digest per table of every row's values as Django reads them (datetimes to the microsecond), in primary-key
    order, and one per uploaded file (`media/<name>`): two databases with equal fingerprints hold the same data."""
    digests = {}
    for model in data_models(NOT_DATA):
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
        digests[model._meta.label_lower] = hashlib.sha256(
            repr([tuple(_plain(v) for v in row) for row in rows]).encode()
        ).hexdigest()
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            digests[f"media/{path.relative_to(media).as_posix()}"] = _sha256(path)
    return digests


def default_path(folder: Path | None = None) -> Path:
    folder = folder or Path(settings.VAR_DIR) / "backups"
    return folder / time.strftime("healthaction-%Y%m%d-%H%M%S.zip")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args, env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client tools (Debian: apt-get install "
            f"postgresql-client) or use `healthaction backup --portable`, which needs none."
        )
    return path


def _sqlite_copy(db_file: Path) -> None:
    """Copy the SQLite database with the online backup API, through a connection of our own: it reads the last
    committed state (WAL lets it proceed while others write)."""
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") and "mode=memory" in name:
        # the tests' shared in-memory database, perhaps inside the test's transaction: a second connection would
        # wait for ever on it; Django's own connection serialises what it sees
        connection.ensure_connection()
        db_file.write_bytes(connection.connection.serialize())
        return
    source, target = sqlite3.connect(name, timeout=30), sqlite3.connect(db_file)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_file_counts(db_file: Path) -> dict[str, int]:
    """Row counts of the data tables, read from the copied database file."""
    con = sqlite3.connect(db_file)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {
            m._meta.label_lower: (
                con.execute(f'SELECT COUNT(*) FROM "{m._meta.db_table}"').fetchone()[0]
                if m._meta.db_table in tables
                else 0
            )
            for m in data_models(NOT_DATA)
        }
    finally:
        con.close()


def _pg_dump_snapshot(db_file: Path) -> dict[str, int]:
    """pg_dump one exported snapshot and count the rows inside the same snapshot: a connection of our own opens a
    REPEATABLE READ transaction, exports its snapshot, counts, and stays open while pg_dump --snapshot reads it."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = {}
        for m in data_models(NOT_DATA):
            table = m._meta.db_table
            exists = cursor.execute("SELECT to_regclass(%s)", [connection.ops.quote_name(table)]).fetchone()[0]
            quoted = connection.ops.quote_name(table)
            counts[m._meta.label_lower] = (
                cursor.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0] if exists else 0
            )
        args, env = _pg_env()
        result = subprocess.run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                *args,
                "--file",
                str(db_file),
                connection.settings_dict["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        cursor.execute("COMMIT")
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return counts
    finally:
        raw.close()


# ---- writing ------------------------------------------------------------------------------------------------


def _encode(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, dt.timedelta):
        return [value.days, value.seconds, value.microseconds]
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def _write_tables(zf: zipfile.ZipFile, members: dict) -> dict[str, int]:
    counts = {}
    # content types and permissions too: other rows point at them by id, and ids differ between databases
    for model in data_models(["sessions"]):
        label = model._meta.label_lower
        fields = model._meta.concrete_fields
        name = f"{TABLES}{label}.jsonl"
        digest, size, n = hashlib.sha256(), 0, 0
        with zf.open(name, "w", force_zip64=True) as out:
            header = json.dumps({"model": label, "columns": [f.attname for f in fields]}, ensure_ascii=False) + "\n"
            for line in [header]:
                data = line.encode()
                out.write(data), digest.update(data)
                size += len(data)
            rows = (
                model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]).iterator(chunk_size=BATCH)
            )
            for row in rows:
                data = (json.dumps([_encode(v) for v in row]) + "\n").encode()  # ASCII escapes: any string survives
                out.write(data), digest.update(data)
                size += len(data)
                n += 1
        members[name] = {"sha256": digest.hexdigest(), "size": size}
        counts[label] = n
    return counts


@contextlib.contextmanager
def _read_snapshot():
    """Read every table from one snapshot while others keep saving, without taking the write lock.

    PostgreSQL: a REPEATABLE READ transaction (READ COMMITTED, the default, gives each statement its own snapshot, so
    tables read one after another would disagree). SQLite: a deferred transaction (the IMMEDIATE mode the site's
    connections use would wait for the writers' lock; in WAL mode a reader keeps its snapshot from its first read).
    Inside a caller's transaction (tests) that transaction is the snapshot.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def write_backup(output: Path, portable: bool = False) -> Path:
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if not portable and vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"native backup of a {vendor} database is not supported; use --portable")
    mode = "portable" if portable else vendor
    members: dict[str, dict] = {}
    partial = output.with_name(output.name + ".partial")
    with (
        tempfile.TemporaryDirectory(dir=output.parent) as tmp,
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
    ):
        if mode == "portable":
            with _read_snapshot():  # one consistent snapshot, while people save
                counts = _write_tables(zf, members)
        else:
            # the counts come from the snapshot itself, never from a second look at a database people keep saving to
            if mode == "sqlite":
                db_file, member = Path(tmp) / SQLITE_MEMBER, SQLITE_MEMBER
                _sqlite_copy(db_file)
                counts = _sqlite_file_counts(db_file)
            else:
                db_file, member = Path(tmp) / PG_MEMBER, PG_MEMBER
                counts = _pg_dump_snapshot(db_file)
            members[member] = {"sha256": _sha256(db_file), "size": db_file.stat().st_size}
            zf.write(db_file, member)
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                name = f"media/{path.relative_to(media).as_posix()}"
                members[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
                zf.write(path, name)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "mode": mode,
            "created": timezone.now().isoformat(),
            "counts": counts,
            "members": members,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.replace(output)
    return output


# ---- checking -----------------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and "\x00" not in name
        and not path.is_absolute()
        and ".." not in path.parts
        and "." not in path.parts
        and ":" not in path.parts[0]
        and path.as_posix() == name
    )


def verify(archive: Path) -> dict:
    """Check the whole archive and return its manifest; raise BackupError without writing anything."""
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{archive} is not a healthaction backup: {exc}")
    with zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise BackupError(f"{archive} is not a healthaction backup: a member appears twice")
        if MANIFEST not in names:
            raise BackupError(f"{archive} is not a healthaction backup: {MANIFEST} is missing")
        try:
            manifest = json.loads(zf.read(MANIFEST))
        except ValueError as exc:
            raise BackupError(f"{archive} is not a healthaction backup: unreadable manifest ({exc})")
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError(
                f"{archive} is not a healthaction backup of this version "
                f"({manifest.get('format')!r} version {manifest.get('version')!r})"
            )
        members = manifest.get("members", {})
        for name in names + list(members):
            if not _safe_name(name):
                raise BackupError(f"unsafe path in backup: {name!r}; nothing was restored")
        mode = manifest.get("mode")
        expected_db = {"sqlite": SQLITE_MEMBER, "postgresql": PG_MEMBER}.get(mode)
        for name in members:
            if not (
                name.startswith("media/")
                or name == expected_db
                or (mode == "portable" and name.startswith(TABLES) and name.endswith(".jsonl"))
            ):
                raise BackupError(f"unexpected member in backup: {name!r}; nothing was restored")
        extra = set(names) - set(members) - {MANIFEST}
        missing = set(members) - set(names)
        if extra or missing:
            raise BackupError(
                f"the backup's contents do not match its manifest (extra: {sorted(extra)[:5]}, "
                f"missing: {sorted(missing)[:5]}); nothing was restored"
            )
        for info in infos:
            if info.filename == MANIFEST:
                continue
            want = members[info.filename]
            if info.file_size != want["size"]:
                raise BackupError(f"size mismatch for {info.filename}; nothing was restored")
            digest = hashlib.sha256()
            try:
                with zf.open(info) as f:
                    while block := f.read(CHUNK):
                        digest.update(block)
            except (zipfile.BadZipFile, OSError) as exc:
                raise BackupError(f"{info.filename} is damaged ({exc}); nothing was restored")
            if digest.hexdigest() != want["sha256"]:
                raise BackupError(f"checksum mismatch for {info.filename}; nothing was restored")
    return manifest


def database_is_empty() -> bool:
    return not any(table_counts(NOT_DATA).values())


# ---- restoring ----------------------------------------------------------------------------------------------


def _decoder(field):
    kind = field.get_internal_type()
    if kind in ("DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField"):
        return lambda v: None if v is None else field.to_python(v)
    if kind == "DurationField":
        return lambda v: None if v is None else dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    if kind == "BinaryField":
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


def _load_tables(zf: zipfile.ZipFile, names: list[str]) -> None:
    with connection.cursor() as cursor:
        # what migrate created (content types, permissions) is replaced by the archive's rows, ids included
        for label in NOT_DATA[:2]:
            for model in data_models([]):
                if _excluded(model._meta.label_lower, [label]):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        loaded = []
        for name in names:
            with zf.open(name) as f:
                header = json.loads(f.readline())
                model = apps.get_model(header["model"])
                by_name = {fl.attname: fl for fl in model._meta.concrete_fields}
                unknown = [c for c in header["columns"] if c not in by_name]
                if unknown:
                    raise BackupError(f"{header['model']} has columns this version does not know: {unknown}")
                fields = [by_name[c] for c in header["columns"]]
                decoders = [_decoder(fl) for fl in fields]
                sql = "INSERT INTO {} ({}) VALUES ({})".format(
                    connection.ops.quote_name(model._meta.db_table),
                    ", ".join(connection.ops.quote_name(fl.column) for fl in fields),
                    ", ".join(["%s"] * len(fields)),
                )
                batch = []
                for line in f:
                    row = json.loads(line)
                    # get_db_prep_save, not save(): auto_now fields and signals must not change a restored row
                    batch.append([fl.get_db_prep_save(dec(v), connection) for fl, dec, v in zip(fields, decoders, row)])
                    if len(batch) >= BATCH:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                loaded.append(model)
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)


def restore(archive: Path, stdout=None) -> dict:
    """Verify, refuse a non-empty database, then load the database in one transaction and move the files in."""
    archive = Path(archive)
    manifest = verify(archive)
    mode, vendor = manifest["mode"], connection.vendor
    if mode in ("sqlite", "postgresql") and mode != vendor:
        raise BackupError(
            f"this is a {mode} backup and the database is {vendor}: make a portable backup "
            "(`healthaction backup --portable`) to move between database kinds"
        )
    if mode == "portable":
        call_command("migrate", verbosity=0, interactive=False)
    if not database_is_empty():
        raise BackupError(
            "The database is not empty: restore only into an empty database (create a new one, "
            "or drop and recreate it, then run `healthaction restore` again). Nothing was changed."
        )
    media = Path(settings.MEDIA_ROOT)
    media_names = sorted(n for n in manifest["members"] if n.startswith("media/"))
    for name in media_names:
        target = media / Path(*PurePosixPath(name).parts[1:])
        if target.exists() and _sha256(target) != manifest["members"][name]["sha256"]:
            raise BackupError(
                f"{target} exists with other content; move the media folder away first. Nothing was changed."
            )
    media.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media.parent, prefix=".restore-") as tmp, zipfile.ZipFile(archive) as zf:
        staging = Path(tmp)
        undo = _undo_point(staging)
        placed: list[Path] = []
        try:
            _restore_into(zf, manifest, mode, staging, media, media_names, placed)
        except BaseException:
            # all or nothing: the database goes back to what it was (empty) and the files placed are removed, so that
            # a retry is accepted
            for path in placed:
                path.unlink(missing_ok=True)
            _roll_back(undo)
            raise
    return {"rows": sum(manifest["counts"].values()), "files": len(media_names), "mode": mode}


def _undo_point(staging: Path):
    """What `_roll_back` needs to put the database back as it is now (empty, migrated)."""
    if connection.vendor == "sqlite":
        before = staging / "before.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(before)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return ("sqlite", before)
    if connection.vendor == "postgresql":
        before = staging / "before.pgdump"
        args, env = _pg_env()
        result = subprocess.run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(before),
                connection.settings_dict["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump of the empty database failed, nothing was changed: {result.stderr.strip()}")
        return ("postgresql", before)
    return (connection.vendor, None)


def _roll_back(undo) -> None:
    vendor, before = undo
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(before)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--single-transaction",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                *args,
                "--dbname",
                connection.settings_dict["NAME"],
                str(before),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        # a table the archive created that the empty database did not have stays, empty of rows: flush the data
        call_command("flush", interactive=False, verbosity=0)


def _restore_into(zf, manifest: dict, mode: str, staging: Path, media: Path, media_names: list, placed: list) -> None:
    """Load the database and move the files in, then check the counts; raise on any failure (the caller rolls back)."""
    for name in media_names:  # unpacked beside the media folder: moved in only once the database is in
        target = staging / Path(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(name) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
    if mode == "portable":
        names = sorted(n for n in manifest["members"] if n.startswith(TABLES))
        with transaction.atomic():
            _load_tables(zf, names)
    elif mode == "sqlite":
        db_file = staging / SQLITE_MEMBER
        with zf.open(SQLITE_MEMBER) as src, open(db_file, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
        source = sqlite3.connect(db_file)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)  # replaces the whole database in one step
        finally:
            source.close()
    else:
        db_file = staging / PG_MEMBER
        with zf.open(PG_MEMBER) as src, open(db_file, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
        args, env = _pg_env()
        connection.close()  # our own idle connection must not hold locks on the tables being replaced
        result = subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--single-transaction",
                "--exit-on-error",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                *args,
                "--dbname",
                connection.settings_dict["NAME"],
                str(db_file),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed, nothing was changed: {result.stderr.strip()[-2000:]}")
    for name in media_names:
        target = media / Path(*PurePosixPath(name).parts[1:])
        target.parent.mkdir(parents=True, exist_ok=True)
        existed = target.exists()  # only with the archive's content (checked before anything was written)
        _place(staging / Path(*PurePosixPath(name).parts), target)
        if not existed:
            placed.append(target)
    call_command("migrate", verbosity=0, interactive=False)  # an older backup is brought up to this version
    # every table the archive counted, whatever it chose to carry (a portable archive carries content types too)
    counts = table_counts([])
    differ = {k: (v, counts.get(k)) for k, v in manifest["counts"].items() if counts.get(k) != v}
    if differ:
        raise BackupError(f"restored row counts differ from the backup, nothing was restored: {differ}")


def _place(source: Path, target: Path) -> None:
    os.replace(source, target)
