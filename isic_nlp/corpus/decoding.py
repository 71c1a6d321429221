"""Bytes to text: gzip, byte-order marks, encodings, binary files, read errors.

Encodings are decided per file, then applied per line:

* a UTF-8 byte-order mark is removed (W204); a UTF-16 or UTF-32 byte-order mark
  means that encoding (W212), not a binary file;
* a UTF-8 file with a few lines of invalid bytes stays UTF-8: every good line is
  exact, and each bad line is decoded with U+FFFD for its undecodable bytes and
  reported at its line (W213). "A few" means no more bad lines than lines with
  valid non-ASCII UTF-8 (the evidence that the file *is* UTF-8);
* any other file is not UTF-8: its encoding is guessed by ``charset-normalizer``
  among the Western European encodings (:data:`LEGACY_ENCODINGS`) from its
  non-ASCII lines, and the guess, its confidence and the encodings as plausible
  are in the warning (W201). A MacRoman file is read as MacRoman, not cp1252.

Only regular files are opened: a FIFO, a device or a socket (E213), a broken
symbolic link (E214) or a loop of links (E215) is reported without being
opened, so that nothing hangs on a pipe or reads ``/dev/zero`` forever.

Bounds (:func:`limits`, set by the CLI options ``--max-record-bytes`` and
``--max-file-bytes`` through :func:`set_limits`, else by environment variables): a record (a line of
JSON Lines or CSV/TSV, a ``.txt`` file) of more than ``ISIC_NLP_MAX_RECORD_BYTES``
bytes (default 64 MiB) is skipped (E216) without being held in memory, and
reading a file stops once it has given ``ISIC_NLP_MAX_FILE_BYTES`` bytes
(default 8 GiB, decompressed for gzip: a "gzip bomb"), with E217 at the line
where it stopped; the records before are kept.

A file is gzip when its content says so, whatever its name; a ``.gz`` that is
not gzip, or a file with many NUL bytes, is binary (E206). A damaged or vanished
file gives E210 at the line where reading stopped.

Used by the format readers (:mod:`isic_nlp.corpus.formats`,
:mod:`isic_nlp.corpus.legi`, :mod:`isic_nlp.corpus.textometry`); imports only
:mod:`isic_nlp.corpus.records`.

Example:
    >>> text, warnings = decode_bytes("Décret relatif à l'œuvre".encode("cp1252"), "d.txt")
    >>> text, [w.code for w in warnings]
    ("Décret relatif à l'œuvre", ['W201'])
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .records import InputProblem

__all__ = [
    "LEGACY_ENCODINGS",
    "READ_ERRORS",
    "UTF8_BOM",
    "Probe",
    "Unreadable",
    "bad_line_warning",
    "decode_bytes",
    "describe_error",
    "file_problem",
    "is_regular",
    "FileTooLarge",
    "Limits",
    "limits",
    "set_limits",
    "limit_source",
    "read_problem",
    "too_large",
    "open_binary",
    "probe_file",
    "read_all_bytes",
    "read_lines",
]

_GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = codecs.BOM_UTF8
# Byte-order marks of the wide encodings, UTF-32 first (its LE mark starts like UTF-16's).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: The encodings a file that is not UTF-8 is guessed among, most likely first on a tie:
#: Windows, ISO Latin-9 and Latin-1, classic Mac OS, DOS.
LEGACY_ENCODINGS = ("cp1252", "iso8859_15", "latin_1", "mac_roman", "cp850")
_SAMPLE = 1 << 18  # bytes of non-ASCII lines given to charset-normalizer
_AS_PLAUSIBLE = 0.01  # guesses whose mess ratio is within this of the best are named too,
_AS_PLAUSIBLE_FEW = 0.1  # ... within this when the file has fewer than _FEW_BYTES non-ASCII bytes
_FEW_BYTES = 20
_BINARY_PROBE = 8192  # NUL bytes in the first 8 KiB mean "binary", as in git and grep,
_STRAY_NULS = 8  # ... unless they are a few stray ones (< 8 and < 1 % of the bytes): W209.
_CHUNK = 1 << 18  # read size for the encoding scan: bounded memory on large files
# Exceptions a damaged or vanished file can raise while being read: truncated gzip
# (EOFError), corrupt deflate data (zlib.error), bad gzip header or I/O error (OSError).
READ_ERRORS = (OSError, EOFError, zlib.error)


@dataclass(frozen=True)
class Limits:
    """The bounds on what one input may make isic_nlp read (see the module documentation)."""

    max_record_bytes: int = 64 << 20
    max_file_bytes: int = 8 << 30


_LIMIT_VARIABLES = {"max_record_bytes": "ISIC_NLP_MAX_RECORD_BYTES", "max_file_bytes": "ISIC_NLP_MAX_FILE_BYTES"}
_LIMIT_OPTIONS = {"max_record_bytes": "--max-record-bytes", "max_file_bytes": "--max-file-bytes"}
_OVERRIDES: dict[str, int] = {}  # set by set_limits (the CLI options), over the environment


def limits() -> Limits:
    """The bounds in force: :func:`set_limits`, else the environment variables, else the defaults.

    A variable that is not a whole number of bytes of at least 1 is ignored.

    Example:
        >>> limits().max_record_bytes == int(os.environ.get("ISIC_NLP_MAX_RECORD_BYTES", 64 << 20))
        True
    """
    values = {}
    for name, variable in _LIMIT_VARIABLES.items():
        raw = os.environ.get(variable, "").strip().replace("_", "")
        if raw.isdigit() and int(raw) > 0:
            values[name] = int(raw)
    values.update(_OVERRIDES)
    return Limits(**values)


def set_limits(max_record_bytes: int | None = None, max_file_bytes: int | None = None, *, clear: bool = False) -> None:
    """Set the bounds for this process; a bound left ``None`` keeps its setting.

    The CLI options ``--max-record-bytes`` and ``--max-file-bytes`` call this;
    they take precedence over ``ISIC_NLP_MAX_RECORD_BYTES`` and
    ``ISIC_NLP_MAX_FILE_BYTES``. ``clear=True`` first removes both (back to the
    environment or the defaults).

    Raises:
        ValueError: For a bound below 1 byte.

    Example:
        >>> set_limits(max_record_bytes=1000); limits().max_record_bytes
        1000
        >>> set_limits(clear=True); limits().max_record_bytes == int(os.environ.get("ISIC_NLP_MAX_RECORD_BYTES", 64 << 20))
        True
    """
    given = {"max_record_bytes": max_record_bytes, "max_file_bytes": max_file_bytes}
    for name, value in given.items():
        if value is not None and value < 1:
            raise ValueError(f"{_LIMIT_OPTIONS[name]} must be at least 1 byte, got {value}")
    if clear:
        _OVERRIDES.clear()
    _OVERRIDES.update({name: value for name, value in given.items() if value is not None})


def limit_source(name: str) -> str:
    """How the bound ``name`` is set, for messages: the CLI option and the environment variable."""
    return f"{_LIMIT_OPTIONS[name]} or the environment variable {_LIMIT_VARIABLES[name]}"


class FileTooLarge(OSError):
    """A file gave more than ``max_file_bytes`` bytes (decompressed)."""

    def __init__(self, limit: int):
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class _Bounded(io.RawIOBase):
    """A raw stream that raises :class:`FileTooLarge` past ``limit`` bytes."""

    def __init__(self, stream: BinaryIO, limit: int):
        self._stream = stream
        self._limit = limit
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._stream.read1(len(buffer))  # what is there: a later error loses nothing before it
        self._count += len(data)
        if self._count > self._limit:
            raise FileTooLarge(self._limit)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def read_problem(file: str, line: int | None, rid: str | None, err: BaseException) -> InputProblem:
    """The problem for an error met while reading: E217 past the file bound, else E210."""
    cause = err.__cause__ if isinstance(err, Unreadable) else err
    if isinstance(cause, FileTooLarge):
        return InputProblem.from_code(
            file, line, rid, "E217", limit=cause.limit, variable=limit_source("max_file_bytes")
        )
    reason = err.reason if isinstance(err, Unreadable) else describe_error(err)
    return InputProblem.from_code(file, line, rid, "E210", reason=reason)


def too_large(file: str, line: int | None, rid: str | None) -> InputProblem:
    """E216: a record over ``max_record_bytes``."""
    return InputProblem.from_code(
        file, line, rid, "E216", limit=limits().max_record_bytes, variable=limit_source("max_record_bytes")
    )


class _Scan:
    """Line-by-line UTF-8 check of a byte stream fed in blocks of whole lines."""

    def __init__(self) -> None:
        self.lines = 0
        self.good_non_ascii = 0  # lines with valid non-ASCII UTF-8: evidence for UTF-8
        self.bad_lines: list[int] = []  # lines that are not valid UTF-8
        self.sample = bytearray()  # non-ASCII lines, for the encoding guess

    def feed(self, block: bytes) -> None:
        """Check ``block``, whole lines (the last one may lack its ``\\n`` at the end of the file)."""
        if not block:
            return
        if block.isascii():
            self.lines += block.count(b"\n") + (not block.endswith(b"\n"))
            return
        parts = block.split(b"\n")
        if block.endswith(b"\n"):
            parts.pop()
        try:
            block.decode("utf-8")
            whole_ok = True
        except UnicodeDecodeError:
            whole_ok = False
        for part in parts:
            self.lines += 1
            if part.isascii():
                continue
            if len(self.sample) < _SAMPLE:
                self.sample += part[:_SAMPLE] + b"\n"
            if whole_ok:
                self.good_non_ascii += 1
                continue
            try:
                part.decode("utf-8")
                self.good_non_ascii += 1
            except UnicodeDecodeError:
                self.bad_lines.append(self.lines)

    def verdict(self, file: str) -> tuple[str, frozenset[int], list[InputProblem]]:
        """The encoding, the UTF-8 lines to report (W213), and the W201 warning of a legacy file."""
        if not self.bad_lines:
            return "utf-8", frozenset(), []
        if self.good_non_ascii >= len(self.bad_lines):
            return "utf-8", frozenset(self.bad_lines), []
        encoding, fields = guess_encoding(bytes(self.sample))
        return encoding, frozenset(), [InputProblem.from_code(file, None, None, "W201", encoding=encoding, **fields)]


def guess_encoding(sample: bytes) -> tuple[str, dict[str, str]]:
    """charset-normalizer's guess among :data:`LEGACY_ENCODINGS`, with the fields of W201.

    Example:
        >>> guess_encoding("Ça coûte, l’État œuvre".encode("mac_roman"))[0]
        'mac_roman'
    """
    from charset_normalizer import from_bytes  # imported only for files that are not UTF-8

    results = list(from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS), explain=False))
    if not results:  # cannot happen with latin_1 among the candidates; kept safe
        return "latin_1", {"confidence": "no guess", "plausible": ""}
    best = min(results, key=lambda r: (r.chaos, LEGACY_ENCODINGS.index(r.encoding)))
    evidence = sum(byte >= 0x80 for byte in sample)
    # Few accented letters say little: then any candidate not much messier is named too.
    margin = _AS_PLAUSIBLE if evidence >= _FEW_BYTES else _AS_PLAUSIBLE_FEW
    others = [
        r.encoding
        for r in sorted(results, key=lambda r: (r.chaos, LEGACY_ENCODINGS.index(r.encoding)))
        if r is not best and r.chaos - best.chaos <= margin
    ]
    plausible = (
        f"; as plausible: {', '.join(others)} (check the accented letters, and re-save the file as UTF-8)"
        if others
        else ""
    )
    confidence = f"{1 - best.chaos:.0%} from {evidence} non-ASCII byte(s)"
    return best.encoding, {"confidence": confidence, "plausible": plausible}


def _wide_bom(head: bytes) -> str | None:
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            return encoding
    return None


def decode_bytes(data: bytes, file: str, rid: str | None = None) -> tuple[str, list[InputProblem]]:
    """Decode a whole file (see the module documentation): the text, then its warnings.

    Warnings: W204 (UTF-8 BOM removed), W212 (UTF-16/32), W213 (a line of a UTF-8
    file with invalid bytes, at its line), W201 (not UTF-8: the guessed encoding).
    """
    warnings: list[InputProblem] = []
    wide = _wide_bom(data)
    if wide:
        warnings.append(InputProblem.from_code(file, None, rid, "W212", encoding=wide))
        return data.decode(wide, "replace"), warnings
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        warnings.append(InputProblem.from_code(file, None, rid, "W204"))
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError:
        pass
    scan = _Scan()
    scan.feed(data)
    encoding, bad, found = scan.verdict(file)
    text = data.decode(encoding, "replace")
    if bad:
        lines = text.split("\n")
        warnings += [bad_line_warning(file, n, rid, lines[n - 1]) for n in sorted(bad)]
    warnings += [InputProblem(w.file, w.line, rid, w.code, w.reason, w.severity) for w in found]
    return text, warnings


def bad_line_warning(file: str, line: int, rid: str | None, text: str) -> InputProblem:
    """W213 for a line of a UTF-8 file that had invalid bytes, decoded as ``text``."""
    return InputProblem.from_code(file, line, rid, "W213", count=max(text.count("\ufffd"), 1))


_KINDS = (
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "folder"),
)


def file_problem(path: Path, rid: str | None = None) -> InputProblem | None:
    """Why ``path`` must not be opened (E213, E214, E215, E210), or ``None`` for a regular file.

    Only the file's status is read (``stat``): nothing is opened.

    Example:
        >>> file_problem(Path("/dev/null")).reason
        'not a regular file but a character device; it was not opened'
    """
    file = str(path)
    try:
        status = os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return InputProblem.from_code(file, None, rid, "E215")
        if err.errno == errno.ENOENT and os.path.islink(path):
            return InputProblem.from_code(file, None, rid, "E214", target=os.readlink(path))
        return InputProblem.from_code(file, None, rid, "E210", reason=describe_error(err))
    if stat.S_ISREG(status.st_mode):
        return None
    kind = next((name for test, name in _KINDS if test(status.st_mode)), "special file")
    return InputProblem.from_code(file, None, rid, "E213", kind=kind)


def is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (following links), without opening it."""
    return file_problem(path) is None


class Unreadable(Exception):
    """Reading stopped: ``line`` is the first line that could not be read."""

    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Probe:
    """What the scan of a file found.

    Attributes:
        gz: The file is gzip.
        encoding: The Python codec to read it with.
        bom: A UTF-8 byte-order mark (3 bytes) to skip. A UTF-16/32 mark is left
            to the codec.
        warnings: File-level warnings (W204, W212, W201).
        bad_lines: Lines of a UTF-8 file that are not valid UTF-8 (decoded with
            U+FFFD): the readers report each (W213) with the record of its line.
    """

    gz: bool
    encoding: str
    bom: bool
    warnings: list[InputProblem]
    bad_lines: frozenset[int] = field(default_factory=frozenset)


def open_binary(path: Path, gz: bool) -> BinaryIO:
    """The file's (decompressed) bytes, raising :class:`FileTooLarge` past ``max_file_bytes``."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the callers
    stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw  # type: ignore[assignment]
    return io.BufferedReader(_Bounded(stream, limits().max_file_bytes), _CHUNK)  # type: ignore[return-value]


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
    """Scan a file once: gzip or not, binary or not, byte-order mark, encoding, bad UTF-8 lines.

    The scan reads the file in chunks of whole lines (bounded memory). A read
    error is not reported here: the reading pass meets it again at the same
    place and reports it there, after the records read before it.
    """
    file = str(path)
    refused = file_problem(path)
    if refused is not None:
        return refused
    try:
        gz = _gzip_state(path)
    except OSError as err:
        return InputProblem.from_code(file, None, None, "E210", reason=describe_error(err))
    if isinstance(gz, InputProblem):
        return gz
    head = b""
    bom = False
    scan = _Scan()
    complete = True
    try:
        with open_binary(path, gz) as stream:
            head = stream.read(_BINARY_PROBE)
            if not head:
                return InputProblem.from_code(file, None, None, "W206")
            wide = _wide_bom(head)
            if wide:
                warning = InputProblem.from_code(file, None, None, "W212", encoding=wide)
                return Probe(gz=gz, encoding=wide, bom=False, warnings=[warning])
            if _looks_binary(head):
                return InputProblem.from_code(file, None, None, "E206")
            bom = head.startswith(UTF8_BOM)
            carry = head[len(UTF8_BOM) :] if bom else head
            skipping = False  # in a very long line, whose head is enough for the encoding
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                if skipping:
                    end = chunk.find(b"\n")
                    if end < 0:
                        continue
                    scan.feed(carry + b"\n")
                    carry, chunk, skipping = b"", chunk[end + 1 :], False
                data = carry + chunk
                cut = data.rfind(b"\n") + 1
                scan.feed(data[:cut])
                carry = data[cut:]
                if len(carry) > _CHUNK:  # memory stays bounded on a file of one huge line
                    carry, skipping = carry[:_CHUNK], True
    except OSError as err:
        if not head:  # could not even start: the reading pass would fail the same way
            return InputProblem.from_code(file, 1, None, "E210", reason=describe_error(err))
        complete = False
    except (EOFError, zlib.error):
        complete = False
    if complete:
        scan.feed(carry)  # the last line, without its line break
    encoding, bad_lines, found = scan.verdict(file)
    warnings = [InputProblem.from_code(file, None, None, "W204")] if bom else []
    return Probe(gz=gz, encoding=encoding, bom=bom, warnings=warnings + found, bad_lines=bad_lines)


def read_lines(path: Path, probe: Probe) -> Iterator[tuple[int, str | None]]:
    """Yield ``(line_number, decoded_line)``; raise :class:`Unreadable` on a read error.

    A line longer than ``max_record_bytes`` is skipped without being held in
    memory: it comes as ``(line_number, None)`` (the reader reports E216).

    Lines keep their terminator (the csv module needs it to tell a quoted line
    break from the end of a row). Splitting the bytes on ``\\n`` is safe for
    UTF-8 and the 8-bit encodings: the byte 0x0A is never part of another
    character; UTF-16/32 are decoded first, then split on ``\\n``. Undecodable
    bytes become U+FFFD (the lines of ``probe.bad_lines``, or a file changed
    since the probe).
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
            cap = limits().max_record_bytes
            if encoding in ("utf-16", "utf-32"):
                text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")  # type: ignore[arg-type]
                while decoded := text.readline(cap + 1):
                    line += 1
                    if len(decoded) > cap and not decoded.endswith("\n"):
                        while (rest := text.readline(_CHUNK)) and not rest.endswith("\n"):
                            pass
                        yield line, None
                    else:
                        yield line, decoded
                return
            while raw := stream.readline(cap + 1):
                line += 1
                if len(raw) > cap and not raw.endswith(b"\n"):
                    while (rest := stream.readline(_CHUNK)) and not rest.endswith(b"\n"):
                        pass
                    yield line, None
                else:
                    yield line, raw.decode(encoding, "replace")
        except READ_ERRORS as err:
            raise Unreadable(line + 1, describe_error(err)) from err


def read_all_bytes(path: Path) -> bytes | InputProblem:
    """The whole content of a (possibly gzipped) file, or a problem for the file."""
    file = str(path)
    refused = file_problem(path)
    if refused is not None:
        return refused
    try:
        gz = _gzip_state(path)
        if isinstance(gz, InputProblem):
            if gz.code == "W206":  # an empty .txt file is an empty document
                return b""
            return gz
        cap = limits().max_record_bytes
        if not gz and os.stat(path).st_size > cap:
            return too_large(file, None, None)
        with open_binary(path, gz) as stream:
            data = stream.read(cap + 1)
        if len(data) > cap:
            return too_large(file, None, None)
    except READ_ERRORS as err:
        raise Unreadable(None, describe_error(err)) from err
    if not _wide_bom(data) and _looks_binary(data[:_BINARY_PROBE]):
        return InputProblem.from_code(file, None, None, "E206")
    return data


def _looks_binary(head: bytes) -> bool:
    """Many NUL bytes (images, archives, UTF-16 without BOM); a few stray ones are removed from texts (W209)."""
    nuls = head.count(b"\x00")
    return nuls >= _STRAY_NULS or nuls * 100 >= len(head)


def describe_error(err: BaseException) -> str:
    if isinstance(err, FileTooLarge):
        return f"the file gives {err} ({limit_source('max_file_bytes')}); reading stopped there"
    if isinstance(err, EOFError):
        return f"the compressed file is truncated ({err}); records before this point were kept"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__
