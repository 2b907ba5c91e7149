"""The field package file: a versioned header, an encrypted payload and an HMAC.

Layout: `MAGIC`, the header length (4 bytes, big-endian), the header (UTF-8 JSON), the payload
(the zlib-compressed SQLite file, encrypted with AES-GCM under a key derived from the
passphrase with scrypt; the header is the GCM associated data), then HMAC-SHA256 over all of
that. The office checks the HMAC with the township key (check-out) or with the key of that one
package (return, `identity.return_key`); the laptop, which never holds the township key, relies
on the GCM tag. Any edited, truncated or half-written file fails one of the two, so nothing is
read from it. A file is written to a temporary name and renamed only when complete.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAGIC = b"WUZHAFLD"
FORMAT_VERSION = 1
MAC_SIZE = 32
# scrypt at 2**15 × 8: about 0.1 s and 32 MB, enough to make guessing a passphrase slow
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MIN_PASSPHRASE = 8
MAX_HEADER = 1 << 20


class FieldPackageError(Exception):
    """A package that cannot be written or read; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Package:
    """A package read and checked: its header and the decrypted SQLite file."""

    header: dict[str, Any]
    database: bytes


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to protect the personal data in a package."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise FieldPackageError(
            f"口令至少需要{MIN_PASSPHRASE}个字符（外勤包含有个人信息，必须加密）"
        )


def _derive(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
        maxmem=128 * 1024 * 1024, dklen=32,
    )  # fmt: skip


def _aesgcm(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def write_package(
    path: Path, header: dict[str, Any], database: bytes, passphrase: str, mac_key: bytes
) -> int:
    """Encrypt, sign and write a package to `path` (atomically); returns its size in bytes."""
    check_passphrase(passphrase)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header = {
        **header, "format": FORMAT_VERSION,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex()},
        "cipher": "AES-256-GCM", "nonce": nonce.hex(),
    }  # fmt: skip
    header_bytes = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8")
    payload = _aesgcm(_derive(passphrase, salt)).encrypt(
        nonce, zlib.compress(database, 1), header_bytes
    )
    body = MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes + payload
    mac = hmac.new(mac_key, body, hashlib.sha256).digest()
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(temporary, "wb") as out:
            out.write(body)
            out.write(mac)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return len(body) + MAC_SIZE


def _split(data: bytes) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    """Header, header bytes, body (all but the MAC) and MAC; refuses what is not a package."""
    if not data.startswith(MAGIC):
        raise FieldPackageError("该文件不是无诈台账的外勤包")
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
    start = len(MAGIC) + 4
    if length > MAX_HEADER or len(data) < start + length + MAC_SIZE + 16:
        raise FieldPackageError("外勤包不完整（文件被截断或未写完），未读取任何内容")
    header_bytes = data[start : start + length]
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except ValueError as exc:
        raise FieldPackageError("外勤包的文件头已损坏或被修改，未读取任何内容") from exc
    if not isinstance(header, dict):
        raise FieldPackageError("外勤包的文件头已损坏或被修改，未读取任何内容")
    return header, header_bytes, data[:-MAC_SIZE], data[-MAC_SIZE:]


def read_header(path: Path) -> dict[str, Any]:
    """The package's header, unchecked: enough to say which township and kind it claims."""
    return _split(_read(path))[0]


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise FieldPackageError(f"找不到外勤包“{path}”") from exc
    except OSError as exc:
        raise FieldPackageError(f"无法读取外勤包“{path}”：{exc.strerror or exc}") from exc


def read_package(path: Path, passphrase: str, mac_key: bytes | None) -> Package:
    """Check and decrypt a package; `mac_key` None (the laptop) checks the GCM tag alone.

    Raises `FieldPackageError` for anything edited, truncated, of a newer format or under
    another passphrase; nothing of such a file is returned.
    """
    header, header_bytes, body, mac = _split(_read(path))
    if mac_key is not None and not hmac.compare_digest(
        hmac.new(mac_key, body, hashlib.sha256).digest(), mac
    ):
        raise FieldPackageError(
            "外勤包校验失败：文件被修改、截断，或不是本乡镇生成的，未导入任何内容"
        )
    if header.get("format") != FORMAT_VERSION:
        raise FieldPackageError(
            f"外勤包格式版本为{header.get('format')}，本程序只能读取版本{FORMAT_VERSION}，"
            "请升级程序"
        )
    try:
        kdf = header["kdf"]
        salt, nonce = bytes.fromhex(kdf["salt"]), bytes.fromhex(header["nonce"])
        if (kdf["name"], kdf["n"], kdf["r"], kdf["p"]) != ("scrypt", SCRYPT_N, SCRYPT_R, SCRYPT_P):
            raise ValueError(kdf)
    except (KeyError, TypeError, ValueError) as exc:
        raise FieldPackageError("外勤包的文件头已损坏或被修改，未读取任何内容") from exc
    from cryptography.exceptions import InvalidTag

    ciphertext = body[len(MAGIC) + 4 + len(header_bytes) :]
    try:
        compressed = _aesgcm(_derive(passphrase, salt)).decrypt(nonce, ciphertext, header_bytes)
    except InvalidTag as exc:
        raise FieldPackageError("口令不对，或外勤包已被修改、截断，未读取任何内容") from exc
    try:
        database = zlib.decompress(compressed)
    except zlib.error as exc:  # only a writer's bug gets here: the tag was right
        raise FieldPackageError("外勤包内容已损坏，未读取任何内容") from exc
    return Package(header, database)
