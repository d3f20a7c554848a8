"""Writing and reading the backup archive: a manifest first, a list of checksums last.

A backup is read in full and every checksum compared before anything is restored, so a file
that is not a backup, was cut short or was damaged on the way is refused with the target
untouched.
"""

import hashlib
import io
import json
import os
import secrets
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FORMAT = "involve-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHECKSUMS = "checksums.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FOLDERS = "folders"
_COPY_BUFFER = 1 << 20
_MANIFEST_MAX_BYTES = 1 << 20
# What reading a truncated or corrupted tar (or gzip) raises.
_READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error)


class BackupError(Exception):
    """A backup could not be made or restored; the message says why and what to do."""


def _compressed(path: str) -> bool:
    return path.endswith((".gz", ".tgz"))


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


class ArchiveWriter:
    """Writes an archive to FILE.partial and renames it to FILE only once complete."""

    def __init__(self, path: str):
        self.path = path
        self.partial = f"{path}.partial-{secrets.token_hex(4)}"
        self.checksums: dict[str, dict] = {}
        # Owner-only from the first byte: the archive holds special-category data.
        handle = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(handle, "wb")
        self._tar = tarfile.open(
            fileobj=self._file,
            mode="w:gz" if _compressed(path) else "w",
            format=tarfile.PAX_FORMAT,
            copybufsize=_COPY_BUFFER,
            **({"compresslevel": 6} if _compressed(path) else {}),
        )

    def add_bytes(self, name: str, data: bytes, mtime: float) -> None:
        self._tar.addfile(_tarinfo(name, len(data), mtime), io.BytesIO(data))
        self.checksums[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def add_file(self, name: str, path: str) -> bool:
        """Add one file; False when it went away before it could be read (an import just finished)."""
        try:
            raw = open(path, "rb")
        except FileNotFoundError:
            return False
        with raw:
            stat = os.fstat(raw.fileno())
            reader = _Hashing(raw)
            self._tar.addfile(_tarinfo(name, stat.st_size, stat.st_mtime), reader)
        self.checksums[name] = {"size": stat.st_size, "sha256": reader.sha256.hexdigest()}
        return True

    def finish(self, mtime: float) -> None:
        listing = json.dumps({"files": self.checksums}, indent=1).encode()
        self._tar.addfile(_tarinfo(CHECKSUMS, len(listing), mtime), io.BytesIO(listing))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        try:
            self._tar.close()
        except (OSError, tarfile.TarError, ValueError):
            pass
        self._file.close()
        try:
            os.remove(self.partial)
        except FileNotFoundError:
            pass


def _safe_name(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


@dataclass
class Contents:
    """What a verified archive held, extracted into a working folder."""

    manifest: dict
    database: Path
    folders: dict[str, Path] = field(default_factory=dict)


class ArchiveReader:
    """Opens an archive and reads its manifest; `extract` then reads and checks everything else."""

    def __init__(self, path: str):
        self.path = path
        self.name = os.path.basename(path)
        if not os.path.isfile(path):
            raise BackupError(f"There is no file at {path}.")
        try:
            self._tar = tarfile.open(path, mode="r:*", copybufsize=_COPY_BUFFER)
        except PermissionError:
            raise BackupError(f"{path} cannot be read: permission denied.")
        except _READ_ERRORS:
            raise BackupError(f"{self.name} is not an Involve backup: it is not a tar archive.")
        try:
            self.manifest, self._manifest_sha256 = self._read_manifest()
        except BaseException:
            self._tar.close()
            raise

    def close(self) -> None:
        self._tar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _damaged(self, why: str) -> BackupError:
        return BackupError(
            f"{self.name} is incomplete or damaged ({why}); nothing was restored. "
            "Copy the backup again in full, or use an earlier one."
        )

    def _next(self):
        try:
            return self._tar.next()
        except _READ_ERRORS:
            raise self._damaged("it ends too early")

    def _read_manifest(self) -> tuple[dict, str]:
        not_ours = BackupError(f"{self.name} is not an Involve backup: it has no Involve manifest.")
        first = self._next()
        if first is None or first.name != MANIFEST or not first.isfile() or first.size > _MANIFEST_MAX_BYTES:
            raise not_ours
        try:
            data = self._tar.extractfile(first).read()
        except _READ_ERRORS:
            raise self._damaged("it ends inside its manifest")
        try:
            manifest = json.loads(data)
        except ValueError:
            raise not_ours
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise not_ours
        if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
            raise BackupError(
                f"{self.name} was made by a newer Involve (backup format {manifest.get('version')}); "
                f"this one reads format {VERSION}. Restore it with the version that made it."
            )
        folders = manifest.get("folders", [])
        if (
            manifest.get("database") not in DATABASE_FILES
            or not isinstance(manifest.get("tables"), dict)
            or not isinstance(folders, list)
            or not all(isinstance(key, str) and key.isidentifier() for key in folders)
        ):
            raise not_ours
        return manifest, hashlib.sha256(data).hexdigest()

    def extract(self, into: Path) -> Contents:
        """Copy every member into `into`, then check sizes and checksums against the list at the end."""
        database_name = DATABASE_FILES[self.manifest["database"]]
        seen = {MANIFEST: self._manifest_sha256}
        sizes: dict[str, int] = {}
        folder_keys = set(self.manifest.get("folders", []))
        listing = None
        while (member := self._next()) is not None:
            if listing is not None:
                raise self._damaged(f"{member.name} comes after the list of contents")
            if member.isdir():
                continue
            path = _safe_name(member.name)
            if not member.isfile() or path is None or member.name in seen:
                raise self._damaged(f"it holds an unexpected entry {member.name!r}")
            if member.name == CHECKSUMS:
                if member.size > _MANIFEST_MAX_BYTES:
                    raise self._damaged("its list of contents is too large")
                listing = self._read_member(member)
                continue
            in_folder = path.parts[0] == FOLDERS and len(path.parts) >= 3 and path.parts[1] in folder_keys
            if member.name != database_name and not in_folder:
                raise self._damaged(f"it holds an unexpected entry {member.name!r}")
            target = into.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            seen[member.name] = self._copy_member(member, target)
            sizes[member.name] = member.size
        if listing is None:
            raise self._damaged("the list of contents at its end is missing")
        if not self._ends_with_its_marker():
            raise self._damaged("its end-of-archive marker is missing")
        try:
            expected = json.loads(listing)["files"]
        except (ValueError, KeyError, TypeError):
            raise self._damaged("its list of contents cannot be read")
        if set(expected) != set(seen):
            missing = sorted(set(expected) - set(seen))
            raise self._damaged(f"{len(missing)} listed files are missing" if missing else "it holds unlisted files")
        for name, checksum in seen.items():
            if expected[name].get("sha256") != checksum or (
                name in sizes and expected[name].get("size") != sizes[name]
            ):
                raise self._damaged(f"{name} does not match its checksum")
        if database_name not in seen:
            raise self._damaged("the database is missing")
        folders = {key: into / FOLDERS / key for key in self.manifest.get("folders", [])}
        return Contents(self.manifest, into / database_name, folders)

    def _ends_with_its_marker(self) -> bool:
        """A whole tar ends with two zero blocks; a copy cut short after its last file has lost them."""
        fileobj = self._tar.fileobj
        try:
            fileobj.seek(self._tar.offset)
            tail = fileobj.read(2 * tarfile.BLOCKSIZE)
        except _READ_ERRORS:
            return False
        return tail == bytes(2 * tarfile.BLOCKSIZE)

    def _read_member(self, member) -> bytes:
        try:
            return self._tar.extractfile(member).read()
        except _READ_ERRORS:
            raise self._damaged("it ends too early")

    def _copy_member(self, member, target: Path) -> str:
        digest = hashlib.sha256()
        source = self._tar.extractfile(member)
        with open(target, "wb") as out:
            os.chmod(target, 0o600)
            while True:
                try:
                    chunk = source.read(_COPY_BUFFER)
                except _READ_ERRORS:
                    raise self._damaged("it ends too early")
                if not chunk:
                    break
                digest.update(chunk)
                out.write(chunk)
        return digest.hexdigest()
