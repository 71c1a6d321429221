"""Precision, recall and F1 of the context flags on real sentences labelled by meaning.

The cases are ``tests/fixtures/context/cases.jsonl``: each is a real sentence
(or amendment line) of ``../shared/corpora`` with its file and record id, one
mention of the shipped lexicons in it, and the flags that the sentence gives
that mention by meaning (``negation``, ``hypothesis``, ``quotation``,
``exception``, ``abrogation``; none for an affirmed mention). They were
labelled before the rules were tuned; the rules were then tuned on the
``tune`` half only, and the ``held_out`` half is reported apart. A third half,
``fresh`` (``tests/fixtures/context/fresh.jsonl``), holds cases from other
records, labelled and committed after the second round of tuning (context
2.1.0) and before the rules were run on them. Context 2.2.0 was tuned on
the errors of all three; a fourth half, ``fresh2``
(``tests/fixtures/context/fresh2.jsonl``, drawn by ``benchmarks/sample_context_half.py``),
was labelled and committed before 2.2.0 was written: the honest figure of 2.2.0.
``fresh3`` and ``fresh4`` were drawn and labelled the same way (``fresh4``, 236 lines,
while 2.5.0 was written by someone who had not seen it: ``--half fresh4`` is 2.5.0's
held-out figure; see ``tests/fixtures/context/fresh4.md``), and so were ``fresh5`` and
``fresh6`` (271 and 267 lines, while 2.6.0 was written: ``--half fresh5+fresh6`` is 2.6.0's
held-out figure, each half also apart), ``fresh7`` (239 lines, while 2.7.0 was written:
``--half fresh7`` is 2.7.0's held-out figure), and ``fresh8`` and ``fresh9`` (236 and 260 lines,
while 2.8.0 was written: ``--half fresh8+fresh9`` is 2.8.0's held-out figure, each half also apart),
and ``fresh10`` (253 lines, while 2.9.0 was written: ``--half fresh10`` is 2.9.0's held-out figure),
and ``fresh11`` (360 lines, while 2.10.0 was written: ``--half fresh11`` is 2.10.0's held-out figure;
``--half fresh10+fresh11`` from a checkout of 2.9.0 is 2.9.0's).
Each flag comes with 95 % intervals: Wilson for precision and recall
(statsmodels), a percentile bootstrap over the cases for F1.

    .venv/bin/python benchmarks/context_quality.py                 # fast, every half
    .venv/bin/python benchmarks/context_quality.py --pipeline accurate
    .venv/bin/python benchmarks/context_quality.py --half tune --show-errors 30
    .venv/bin/python benchmarks/context_quality.py --sample 400     # candidates to label (stdout)
    .venv/bin/python benchmarks/context_quality.py --in-record --out benchmarks/results/context_quality_in_record.json

``--in-record`` reads each corpus case's mention in its whole record, as the
pipeline reads a record (an amendment opened on an earlier line, a list's
introducing line), rather than in the case's line alone. The halves before
``fresh4`` were labelled from the line alone; for the cases whose record could
change that (an unclosed quotation mark or amendment wording before the line),
``tests/fixtures/context/record_quotation.jsonl`` gives the quotation flag read
in the record, and ``--in-record`` scores against it.

"Legal constructs" is the share of cases whose quotation, abrogation and
exception flags are all right, among the cases of those strata.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "context"
CASES = FIXTURES / "cases.jsonl"  # the halves tune and held_out
FRESH = FIXTURES / "fresh.jsonl"
FRESH2 = FIXTURES / "fresh2.jsonl"
FRESH3 = FIXTURES / "fresh3.jsonl"
FRESH4 = FIXTURES / "fresh4.jsonl"
EXTERNAL = FIXTURES / "external.jsonl"
# The quotation flag of older cases read in their record (see record_quotation.md): used by --in-record.
RECORD_QUOTATION = ROOT / "tests" / "fixtures" / "context" / "record_quotation.jsonl"
HALVES = ("tune", "held_out", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9",
          "fresh10", "fresh11", "external")
# Every labelled fixture file, in the order of HALVES: cases.jsonl, fresh.jsonl … freshN.jsonl, external.jsonl.
HALF_FILES = (CASES, *(FIXTURES / f"{half}.jsonl" for half in HALVES if half.startswith("fresh")), EXTERNAL)
# Parts of the external half reported apart: sentences adapted from the test suites of EDS-NLP and
# medkit (their labels), and sentences written for this set around their cue lists and issue 12; and
# a split of it, drawn once (EXTERNAL_SPLIT_SEED, half of each source file on each side): context
# 2.4.0 was tuned on external_tune, external_test is its held-out figure.
PARTS = {"external": ("external_adapted", "external_written", "external_tune", "external_test")}
# Halves scored together as well: the two held-out halves of context 2.6.0, and those of 2.8.0, each
# pair labelled blind while its version was written and measured once after it was frozen (README).
# fresh8+fresh9+fresh10: every line labelled blind for 2.8.0 and 2.9.0, a held-out figure for 2.8.0
# (2.9.0 was written from fresh8 and fresh9's errors). fresh10+fresh11: every line labelled blind since
# 2.9.0 was frozen, a held-out figure for 2.9.0 (from its checkout; 2.10.0 was written from fresh10's errors).
POOLED = {"fresh5+fresh6": ("fresh5", "fresh6"), "fresh8+fresh9": ("fresh8", "fresh9"),
          "fresh8+fresh9+fresh10": ("fresh8", "fresh9", "fresh10"), "fresh10+fresh11": ("fresh10", "fresh11")}
EXTERNAL_SPLIT_SEED = 2026
BOOTSTRAP = 2000  # resamples of the cases for the F1 interval
FLAGS = ("negation", "hypothesis", "quotation", "exception", "abrogation")
LEGAL = ("quotation", "abrogation", "exception")
LEGAL_STRATA = ("quote", "abrogation", "exception", "repeal")  # "repeal": fresh2 and later

# Strata of the candidate sentences: chosen from the words of the sentence, not
# from what isic_context says about them.
STRATA = {
    "negation": re.compile(r"\b(?:ne|n['’])\b[^.;:]{0,30}\b(?:pas|plus|jamais|aucune?|ni|point|rien)\b|\bnul\b|\bsans\b|\baucune?\b|\bpas de\b|\bexclu", re.I),
    "hypothesis": re.compile(r"\b(?:si|s['’]ils?|lorsque|lorsqu['’]|au cas o[uù]|dans le cas o[uù]|dans l['’]hypoth[eè]se|[àa] condition|[àa] titre exp[ée]rimental|le cas [ée]ch[ée]ant|sous r[ée]serve|en cas de)\b", re.I),
    "quote": re.compile(r"\bles mots\b|\bainsi r[ée]dig|\bremplac[ée]s? par\b|\bins[ée]r[ée]|\bla phrase\b"),
    "abrogation": re.compile(r"\babrog|\bsont supprim|\best supprim"),
    # Second round: negations and protective negations close to a mention.
    "negation_near": re.compile(r"\b(?:ne|n['’])\b[^.;:,]{0,25}\b(?:pas|plus|jamais|aucune?|ni|point|rien)\b|\bnul n|\bsans\b|\baucune?\b|\bpas de\b|\bexclue?s?\b|\bne fait pas obstacle|\bne porte pas atteinte|\bn['’]est pas applicable|\bne sont pas applicables", re.I),
    "exception": re.compile(r"\bsauf\b|\bpar d[ée]rogation\b|\b[àa] l['’]exception\b|\b[àa] l['’]exclusion\b|\bhormis\b"),
}
FILES = [
    "code-action-sociale-familles-partiel.jsonl",
    "code-securite-sociale.jsonl",
    "code-du-travail.jsonl.gz",
    "code-rural-peche-maritime.jsonl.gz",
    "code-relations-public-administration.jsonl",
    "fiches-service-public.jsonl.gz",
    "fiches-travail-emploi.jsonl",
    "conventions-collectives-secteur-social.jsonl",
]


def shared_corpora() -> Path:
    for base in (ROOT.parent, ROOT.parent.parent, Path("/work")):
        if (base / "shared" / "corpora").is_dir():
            return base / "shared" / "corpora"
    sys.exit("[isic:E104] ../shared/corpora not found beside the repository; --sample needs it.")


def shuffled_records(name: str, rng: random.Random) -> list[dict]:
    """The records of one file of ../shared/corpora, in the order ``rng`` shuffles them to."""
    opener = gzip.open if name.endswith(".gz") else open
    with opener(shared_corpora() / name, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    rng.shuffle(records)
    return records


def candidate_mentions(nlp, text: str) -> list:
    """The mentions of a candidate line (not the false friends), to pick a case's mention from."""
    doc = nlp(text)  # kept alive while its spans are read
    return [s for s in doc.spans["isic"] if not s._.isic_false_friend]


def sample(n: int, seed: int = 12, strata: list[str] | None = None, near: int | None = None) -> list[dict]:
    """Candidate cases: (line, mention) pairs per stratum, from every corpus file."""
    import isic_nlp

    nlp = isic_nlp.load("fast")
    rng = random.Random(seed)
    pools: dict[str, list[dict]] = {name: [] for name in STRATA}
    for name in FILES:
        records = shuffled_records(name, rng)
        for record in records[:400]:
            lines = record["text"].split("\n")
            for i, line in enumerate(lines):
                if not 30 <= len(line) <= 400:
                    continue
                for stratum, pattern in STRATA.items():
                    if (strata or [k for k in STRATA if k != "negation_near"]).count(stratum) == 0:
                        continue
                    found = pattern.search(line)
                    if found:
                        if stratum == "quote" and not re.search(r"[«\"“]", line):
                            continue
                        pools[stratum].append(
                            {"file": name, "record_id": record["id"], "text": line, "cue_at": found.start()}
                        )
    out = []
    per = n // len(strata or [k for k in STRATA if k != "negation_near"])
    for stratum, pool in pools.items():
        rng.shuffle(pool)
        taken = 0
        for item in pool:
            if taken >= per:
                break
            spans = candidate_mentions(nlp, item["text"])
            if not spans:
                continue
            # The mention nearest to the cue word (its position only, not what isic_context says).
            at = item.pop("cue_at")
            span = min(spans, key=lambda s: (abs(s.start_char - at), s.start_char))
            if near is not None and abs(span.start_char - at) > near:
                continue
            out.append({**item, "stratum": stratum, "mention": span.text, "start": span.start_char})
            taken += 1
    return out


def predict(nlp, case: dict, record: str | None = None) -> set[str]:
    """The flags of the case's mention, in the case's text or, given it, in its whole ``record``
    (as the pipeline reads a record: amendment text opened on an earlier line, a list's
    introducing line); the case's text alone if the record does not hold it."""
    text, start = case["text"], case["start"]
    at = record.find(case["text"]) if record is not None else -1
    if at >= 0:
        text, start = record, at + case["start"]
    doc = nlp(text)
    for span in doc.spans["isic"]:
        if span.start_char == start and span.text == case["mention"]:
            return set(span._.isic_context or {})
    return {"<no mention>"}


def record_texts(cases: list[dict]) -> dict[tuple[str, str], str]:
    """The whole text of each case's record in ../shared/corpora, by (file, record id); cases
    without a corpus record (``external``) have none."""
    wanted: dict[str, set[str]] = {}
    for case in cases:
        if case.get("record_id") and (shared_corpora() / case.get("file", "")).is_file():
            wanted.setdefault(case["file"], set()).add(case["record_id"])
    texts = {}
    for name, ids in wanted.items():
        opener = gzip.open if name.endswith(".gz") else open
        with opener(shared_corpora() / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("id") in ids:
                    texts[name, record["id"]] = record["text"]
    return texts


def with_case_mentions(pipeline: str, cases: list[dict], folder: Path | None = None):
    """The pipeline with, beside the shipped lexicons, one made of the cases' mention texts.

    The cases test the context rules on a given mention; a later lexicon version may no
    longer find it (framing 1.2.0 dropped *vous ne pouvez*): this lexicon puts it back.
    Also used by ``tests/components/test_context.py``.
    """
    import tempfile

    import isic_nlp

    phrases = {c["mention"].lower().replace("’", "'"): c["mention"] for c in cases}  # one entry per phrase
    entries = [{"id": f"case.{i}", "label": "case_mention", "pattern": text}
               for i, text in enumerate(sorted(phrases))]
    lexicon = {"name": "context_cases", "version": "1.0.0", "description": "mentions of the context test cases",
               "sources": ["tests/fixtures/context"], "labels": {"case_mention": {"group": "individual"}},
               "entries": entries}
    path = (folder or Path(tempfile.mkdtemp())) / "context_cases.yaml"
    path.write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return isic_nlp.load(pipeline, lexicons=["framing", "isic_modes", str(path)])


def _f1(tp, fp, fn):
    """F1 from counts (arrays or numbers): 0 where there is no true positive."""
    import numpy

    tp, fp, fn = (numpy.asarray(x, dtype=float) for x in (tp, fp, fn))
    with numpy.errstate(invalid="ignore", divide="ignore"):
        return numpy.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)


def scores(cases: list[dict], predicted: list[set[str]], seed: int = 12) -> dict:
    import numpy
    from statsmodels.stats.proportion import proportion_confint

    out = {}
    # The same resamples of the cases for every flag (percentile bootstrap of F1).
    rows = numpy.random.default_rng(seed).integers(0, len(cases), size=(BOOTSTRAP, len(cases))) if cases else None
    for flag in FLAGS:
        gold = numpy.array([flag in c["flags"] for c in cases], dtype=bool)
        got = numpy.array([flag in p for p in predicted], dtype=bool)
        tp, fp, fn = int((gold & got).sum()), int((~gold & got).sum()), int((gold & ~got).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = float(_f1(tp, fp, fn))
        row = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}
        if tp + fp:
            row["precision_ci"] = list(proportion_confint(tp, tp + fp, method="wilson"))
        if tp + fn:
            row["recall_ci"] = list(proportion_confint(tp, tp + fn, method="wilson"))
            boot = _f1((gold & got)[rows].sum(1), (~gold & got)[rows].sum(1), (gold & ~got)[rows].sum(1))
            row["f1_ci"] = [float(numpy.percentile(boot, 2.5)), float(numpy.percentile(boot, 97.5))]
        out[flag] = row
    legal = [(c, p) for c, p in zip(cases, predicted) if c["stratum"] in LEGAL_STRATA]
    # Every flag right, on all cases (a summary across strata).
    out["all_flags_right"] = sum(set(c["flags"]) == p for c, p in zip(cases, predicted)) / len(cases) if cases else float("nan")
    right = sum(all((f in p) == (f in c["flags"]) for f in LEGAL) for c, p in legal)
    out["legal_constructs"] = {"accuracy": right / len(legal) if legal else float("nan"), "n": len(legal)}
    if legal:
        out["legal_constructs"]["ci"] = list(proportion_confint(right, len(legal), method="wilson"))
    out["n_cases"] = len(cases)
    return out


def load_cases(paths=HALF_FILES) -> list[dict]:
    """The labelled cases of the given fixture files (every half by default)."""
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def with_record_quotation(cases: list[dict], path: Path = RECORD_QUOTATION) -> tuple[list[dict], int]:
    """The cases with the quotation flag read in their record where ``path`` gives it (the
    other flags as labelled), and how many cases that changes."""
    if not path.is_file():
        return cases, 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = {row["id"]: row["quotation"] for row in rows}
    out, changed = [], 0
    for case in cases:
        quoted = labels.get(case["id"])
        if quoted is not None and quoted != ("quotation" in case["flags"]):
            flags = [f for f in case["flags"] if f != "quotation"] + (["quotation"] if quoted else [])
            case, changed = {**case, "flags": sorted(flags)}, changed + 1
        out.append(case)
    return out, changed


def external_parts(cases: list[dict]) -> dict[str, tuple[str, str]]:
    """The parts of each case of the external half, by id: ``external_adapted`` (a sentence adapted
    from a library's tests or docstring examples) or ``external_written`` (written around a cue
    list), and ``external_tune`` or ``external_test`` (half of each source file, seeded shuffle)."""
    by_file: dict[str, list[dict]] = {}
    for case in cases:
        if case["half"] == "external":
            by_file.setdefault(case["file"], []).append(case)
    rng = random.Random(EXTERNAL_SPLIT_SEED)
    out = {}
    for name in sorted(by_file):
        group = sorted(by_file[name], key=lambda c: c["id"])
        rng.shuffle(group)
        source = name.split(":", 1)[-1]
        adapted = source.startswith("tests/") or source.endswith(("negation/negation.py", "hypothesis/hypothesis.py"))
        for i, case in enumerate(group):
            out[case["id"]] = ("external_adapted" if adapted else "external_written",
                               "external_tune" if i < (len(group) + 1) // 2 else "external_test")
    return out


def predict_cases(pipeline: str, cases: list[dict], in_record: bool = False) -> tuple[list[set[str]], int]:
    """The flags the pipeline gives each case's mention, and how many mentions were re-anchored.

    The cases test the context rules on a given mention: a mention that a later lexicon
    version no longer finds (e.g. 'vous ne pouvez', framing 1.2.0) is put back by a
    one-off lexicon of those phrases, so lexicon edits do not pass for context errors.
    Also used by ``tests/components/test_context_fresh2.py``.
    """
    import isic_nlp

    nlp = isic_nlp.load(pipeline)
    records = record_texts(cases) if in_record else {}
    record = [records.get((c.get("file"), c.get("record_id"))) for c in cases]
    first = [predict(nlp, c, r) for c, r in zip(cases, record)]
    gone = [i for i, p in enumerate(first) if p == {"<no mention>"}]
    if gone:
        anchored = with_case_mentions(pipeline, [cases[i] for i in gone])
        for i in gone:
            first[i] = predict(anchored, cases[i], record[i])
    return first, len(gone)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipeline", default="fast")
    parser.add_argument("--half", choices=[*HALVES, *(part for names in PARTS.values() for part in names), *POOLED, "all"],
                        default="all")
    parser.add_argument("--show-errors", type=int, default=0)
    parser.add_argument("--sample", type=int, default=0, help="print this many candidate cases to label, and stop")
    parser.add_argument("--strata", nargs="+", choices=list(STRATA), help="with --sample: these strata only")
    parser.add_argument("--near", type=int, help="with --sample: the mention starts at most this many characters from the cue word")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--in-record", action="store_true",
                        help="read each case's mention in its whole record of ../shared/corpora, as the pipeline does")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "context_quality.json")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.sample:
        for case in sample(args.sample, args.seed, args.strata, args.near):
            print(json.dumps(case, ensure_ascii=False))
        return 0
    cases, relabelled = load_cases(), 0
    if args.in_record:
        cases, relabelled = with_record_quotation(cases)
    parts = external_parts(cases)
    halves = [*HALVES, *POOLED] if args.half == "all" else [args.half]
    halves = [name for half in halves for name in (half, *PARTS.get(half, ()))]
    report = {"command": "python benchmarks/context_quality.py " + " ".join(argv if argv is not None else sys.argv[1:]), "pipeline": args.pipeline, "halves": {}}
    report["in_record"] = args.in_record
    if args.in_record:
        report["cases_whose_quotation_flag_is_read_in_record"] = relabelled
        print(f"quotation flag read in the record (record_quotation.jsonl): {relabelled} cases differ from their line's label")
    first, report["reanchored_cases"] = predict_cases(args.pipeline, cases, args.in_record)
    for half in halves:
        rows = [i for i, c in enumerate(cases)
                if c["half"] in POOLED.get(half, (half,)) or half in parts.get(c["id"], ())]
        mine, predicted = [cases[i] for i in rows], [first[i] for i in rows]
        result = scores(mine, predicted)
        report["halves"][half] = result
        print(f"\n{half}: {result['n_cases']} cases ({args.pipeline})")
        print(f"{'flag':12s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>4s}")
        for flag in FLAGS:
            row = result[flag]
            ci = row.get("f1_ci")
            ci = f"  F1 95% {ci[0]:.2f}-{ci[1]:.2f}" if ci else ""
            print(f"{flag:12s} {row['precision']:6.2f} {row['recall']:6.2f} {row['f1']:6.2f} {row['support']:4d}{ci}")
        legal = result["legal_constructs"]
        print(f"legal constructs right: {legal['accuracy']:.3f} of {legal['n']}")
        print(f"cases with every flag right: {result['all_flags_right']:.3f}")
        errors = [(c, p) for c, p in zip(mine, predicted) if set(c["flags"]) != p]
        for c, p in errors[: args.show_errors]:
            print(f"  {c['id']} gold={sorted(c['flags'])} got={sorted(p)} [{c['mention']}] {c['text'][:220]!r}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
