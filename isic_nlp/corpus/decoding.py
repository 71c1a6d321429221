"""Bytes to text: gzip, byte-order marks, encodings, binary files, read errors.

Encodings are decided per file: strict UTF-8 (a byte-order mark is removed,
W204), else cp1252, else latin-1 (W201). A file is gzip when its content says
so, whatever its name; a ``.gz`` that is not gzip, or a file with many NUL
bytes, is binary (E206). A damaged or vanished file gives E210 at the line
where reading stopped.

Used by the format readers (:mod:`isic_nlp.corpus.formats`,
:mod:`isic_nlp.corpus.legi`, :mod:`isic_nlp.corpus.textometry`); imports only
:mod:`isic_nlp.corpus.records`.

Example:
    >>> text, warnings = decode_bytes("Décret".encode("cp1252"), "d.txt")
    >>> text, [w.code for w in warnings]
    ('Décret', ['W201'])
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .records import InputProblem

__all__ = [
    "READ_ERRORS",
    "UTF8_BOM",
    "Probe",
    "Unreadable",
    "decode_bytes",
    "describe_error",
    "open_binary",
    "probe_file",
    "read_all_bytes",
    "read_lines",
]

_GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8
_BINARY_PROBE = 8192  # NUL bytes in the first 8 KiB mean "binary", as in git and grep,
_STRAY_NULS = 8  # ... unless they are a few stray ones (< 8 and < 1 % of the bytes): W209.
_CHUNK = 1 << 20  # read size for the encoding scan: bounded memory on large files
# Exceptions a damaged or vanished file can raise while being read: truncated gzip
# (EOFError), corrupt deflate data (zlib.error), bad gzip header or I/O error (OSError).
READ_ERRORS = (OSError, EOFError, zlib.error)


def decode_bytes(data: bytes, file: str, rid: str | None = None) -> tuple[str, list[InputProblem]]:
    """Decode a whole file: UTF-8 (a BOM is removed, W204), else cp1252, else latin-1 (W201)."""
    warnings: list[InputProblem] = []
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        warnings.append(InputProblem.from_code(file, None, rid, "W204"))
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if encoding != "utf-8":
        warnings.append(InputProblem.from_code(file, None, rid, "W201", encoding=encoding))
    return text, warnings


class Unreadable(Exception):
    """Reading stopped: ``line`` is the first line that could not be read."""

    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Probe:
    gz: bool
    encoding: str
    bom: bool
    warnings: list[InputProblem]


def open_binary(path: Path, gz: bool) -> BinaryIO:
    raw = open(path, "rb")  # noqa: SIM115 - closed by the callers
    if not gz:
        return raw
    return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]


def _gzip_state(path: Path) -> bool | InputProblem:
    """Whether the file is gzip; an E206 problem for a ``.gz`` that is not; W206 if empty."""
    file = str(path)
    with open(path, "rb") as raw:
        magic = raw.read(2)
    if not magic:
        return InputProblem.from_code(file, None, None, "W206")
    if magic == _GZIP_MAGIC:
        return True
    if path.name.lower().endswith(".gz"):
        return InputProblem.from_code(file, None, None, "E206")
    return False


def probe_file(path: Path) -> Probe | InputProblem:
    """Scan a file once: gzip or not, binary or not, BOM, encoding.

    The scan reads the file in chunks (bounded memory). A read error is not
    reported here: the reading pass meets it again at the same place and
    reports it there, after the records read before it.
    """
    file = str(path)
    try:
        gz = _gzip_state(path)
    except OSError as err:
        return InputProblem.from_code(file, None, None, "E210", reason=describe_error(err))
    if isinstance(gz, InputProblem):
        return gz
    head = b""
    bom = False
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok = True
    complete = True
    try:
        with open_binary(path, gz) as stream:
            head = stream.read(_BINARY_PROBE)
            if not head:
                return InputProblem.from_code(file, None, None, "W206")
            if _looks_binary(head):
                return InputProblem.from_code(file, None, None, "E206")
            bom = head.startswith(UTF8_BOM)
            chunk = head[len(UTF8_BOM) :] if bom else head
            while chunk and utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
                    break
                chunk = stream.read(_CHUNK)
    except OSError as err:
        if not head:  # could not even start: the reading pass would fail the same way
            return InputProblem.from_code(file, 1, None, "E210", reason=describe_error(err))
        complete = False
    except (EOFError, zlib.error):
        complete = False
    if utf8_ok and complete:
        try:
            utf8.decode(b"", final=True)  # a sequence cut at the very end of the file
        except UnicodeDecodeError:
            utf8_ok = False
    warnings = [InputProblem.from_code(file, None, None, "W204")] if bom else []
    encoding = "utf-8"
    if not utf8_ok:
        encoding = "latin-1"  # decodes any byte
        if _decodes_as(path, gz, bom, "cp1252"):
            encoding = "cp1252"
        warnings.append(InputProblem.from_code(file, None, None, "W201", encoding=encoding))
    return Probe(gz=gz, encoding=encoding, bom=bom, warnings=warnings)


def _decodes_as(path: Path, gz: bool, bom: bool, encoding: str) -> bool:
    """Second scan, only for files that are not UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open_binary(path, gz) as stream:
            if bom:
                stream.read(len(UTF8_BOM))
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return False
    except READ_ERRORS:
        pass  # the readable part decoded; the reading pass reports the error
    return True


def read_lines(path: Path, probe: Probe) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, decoded_line)``; raise :class:`Unreadable` on a read error.

    Lines keep their terminator (the csv module needs it to tell a quoted line
    break from the end of a row). Splitting the bytes on ``\\n`` is safe for
    UTF-8, cp1252 and latin-1: the byte 0x0A is never part of another character.
    """
    encoding = probe.encoding
    line = 0
    try:
        stream = open_binary(path, probe.gz)
    except OSError as err:
        raise Unreadable(None, describe_error(err)) from err
    with stream:
        try:
            if probe.bom:
                stream.read(len(UTF8_BOM))
            # "replace" only matters if the file changed since the probe.
            for raw in stream:
                line += 1
                yield line, raw.decode(encoding, "replace")
        except READ_ERRORS as err:
            raise Unreadable(line + 1, describe_error(err)) from err


def read_all_bytes(path: Path) -> bytes | InputProblem:
    """The whole content of a (possibly gzipped) file, or a problem for the file."""
    file = str(path)
    try:
        gz = _gzip_state(path)
        if isinstance(gz, InputProblem):
            if gz.code == "W206":  # an empty .txt file is an empty document
                return b""
            return gz
        with open_binary(path, gz) as stream:
            data = stream.read()
    except READ_ERRORS as err:
        raise Unreadable(None, describe_error(err)) from err
    if _looks_binary(data[:_BINARY_PROBE]):
        return InputProblem.from_code(file, None, None, "E206")
    return data


def _looks_binary(head: bytes) -> bool:
    """Many NUL bytes (UTF-16, images, archives); a few stray ones are removed from texts (W209)."""
    nuls = head.count(b"\x00")
    return nuls >= _STRAY_NULS or nuls * 100 >= len(head)


def describe_error(err: BaseException) -> str:
    if isinstance(err, EOFError):
        return f"the compressed file is truncated ({err}); records before this point were kept"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__
