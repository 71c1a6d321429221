"""XML inputs on real texts: TEI word rebuilding, and memory of a streamed DILA archive.

1. ``tei``: each text of a JSON Lines corpus is written as an XML-TXM file (one
   ``<p>`` per line, one ``<w><txm:form>…</txm:form><txm:ana …/></w>`` per token,
   with a tokenizer close to TXM's: words, an apostrophe kept with the word
   before it, each punctuation mark a token; no white space kept), read back
   with :func:`isic_nlp.corpus.tei.read_tei`, and compared with the original
   text (runs of blanks as one space). Prints the share rebuilt exactly and the
   most frequent differences.
2. ``archive``: the texts are written as DILA ``ARTICLE`` files (the fixture
   ``tests/fixtures/inputs/dila/LEGIARTI000006796411.xml`` with their text, one
   ``<p>`` per line) into a ``.tar.gz``, ``--repeat`` times over; the archive is
   read with :func:`isic_nlp.corpus.readers.read_records` and the records,
   seconds and peak RSS are printed (run it with two ``--repeat`` values: peak
   memory should barely grow).

From the repository root::

    .venv/bin/python benchmarks/xml_inputs.py tei ../shared/corpora/code-securite-sociale.jsonl --limit 3000
    .venv/bin/python benchmarks/xml_inputs.py archive ../shared/corpora/code-securite-sociale.jsonl --repeat 4
"""

from __future__ import annotations

import argparse
import collections
import html
import io
import json
import re
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from isic_nlp.corpus.readers import Record, read_records
from isic_nlp.corpus.tei import read_tei

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"\w+['’]|\w+(?:[-.]\w+)*|[^\w\s]")


def _texts(path: Path, limit: int | None):
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)["text"]


def _normal(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def tei(path: Path, limit: int | None) -> None:
    folder = Path(tempfile.mkdtemp())
    n = same = 0
    diffs: collections.Counter[tuple[str, str]] = collections.Counter()
    for number, text in enumerate(_texts(path, limit)):
        paragraphs = "".join(
            "<p>" + "".join(
                f'<w n="{i}"><txm:form>{html.escape(t, quote=False)}</txm:form>'
                f'<txm:ana type="#frpos" resp="#txm">X</txm:ana></w>'
                for i, t in enumerate(TOKEN.findall(line))
            ) + "</p>"
            for line in text.split("\n")
        )
        file = folder / f"t{number}.xml"
        file.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:txm="http://textometrie.org/1.0"><text>'
                        + paragraphs + "</text></TEI>", encoding="utf-8")
        rebuilt = next(i for i in read_tei(file) if isinstance(i, Record)).text
        original = _normal(text)
        n += 1
        if rebuilt == original:
            same += 1
            continue
        at = next((k for k, (a, b) in enumerate(zip(original, rebuilt)) if a != b), min(len(original), len(rebuilt)))
        diffs[(original[max(0, at - 3) : at + 3], rebuilt[max(0, at - 3) : at + 3])] += 1
    print(f"{same}/{n} texts rebuilt exactly ({same / n:.1%}) from {path.name}")
    for (a, b), count in diffs.most_common(10):
        print(f"{count:>5}  {a!r} -> {b!r}")


def archive(path: Path, repeat: int) -> None:
    template = (ROOT / "tests/fixtures/inputs/dila/LEGIARTI000006796411.xml").read_text(encoding="utf-8")
    start = template.index("<CONTENU>\n<p>") + len("<CONTENU>\n")
    end = template.index("</CONTENU>\n</BLOC_TEXTUEL>")
    target = Path(tempfile.mkdtemp()) / "legi.tar.gz"
    n = 0
    with tarfile.open(target, "w:gz") as tar:
        for _ in range(repeat):
            for text in _texts(path, None):
                n += 1
                body = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in text.split("\n"))
                data = (template[:start] + body + template[end:]).replace(
                    "LEGIARTI000006796411", f"LEGIARTI{n:012d}").encode("utf-8")
                info = tarfile.TarInfo(f"legi/global/article/LEGI/ARTI/{n}.xml")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    # Read in a fresh process: writing the archive here kept memory that is not the reader's.
    subprocess.run([sys.executable, __file__, "read", str(target), "--members", str(n)], check=True)


def read(target: Path, members: int) -> None:
    began = time.perf_counter()
    records = chars = 0
    for item in read_records(target):
        if isinstance(item, Record):
            records += 1
            chars += len(item.text)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{records} records ({chars:,} characters) from a {target.stat().st_size / 1e6:.1f} MB archive "
          f"of {members} members: {seconds:.1f} s, peak RSS {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["tei", "archive", "read"])
    parser.add_argument("corpus", type=Path, help="a JSON Lines corpus with a 'text' field (read: the archive)")
    parser.add_argument("--members", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=None, help="tei: the first N texts only")
    parser.add_argument("--repeat", type=int, default=1, help="archive: write the texts N times")
    args = parser.parse_args()
    if args.what == "tei":
        tei(args.corpus, args.limit)
    elif args.what == "archive":
        archive(args.corpus, args.repeat)
    else:
        read(args.corpus, args.members)


if __name__ == "__main__":
    main()
