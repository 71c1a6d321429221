"""Draw the candidate cases of a new half of the context benchmark (``fresh2``, ``fresh3``...).

``tests/fixtures/context/<half>.jsonl`` is made from this script's output: real
lines of ``../shared/corpora`` from records that no earlier half uses (neither
their article nor their text: ``EARLIER`` lists, for each half, the fixture
files it excludes), one case per record, one case per article (the versions
of a CASF article count as one), no text twice, chosen from the **words of the
line only**: a stratum's regular expression (a negation cue word, amendment
wording with a quotation mark, a repeal or suppression word, an exception or
condition word, or none of them for the plain controls) and, as the case's
mention, the mention of the shipped lexicons nearest to that word
(``isic_context`` is disabled: what the rules say about a candidate is never
computed here). The flags are then written by hand, by meaning, before the
context rules are run on the cases.

    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh2 > /tmp/fresh2_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh3 > /tmp/fresh3_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh4 > /tmp/fresh4_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh6 > /tmp/fresh6_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh7 > /tmp/fresh7_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh8 > /tmp/fresh8_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh9 > /tmp/fresh9_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh10 > /tmp/fresh10_candidates.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/sample_context_half.py --half fresh11 > /tmp/fresh11_candidates.jsonl

Each half has its defaults in ``HALVES`` (seed, cases per stratum, earlier
halves left out); ``--seed`` and ``--targets negation=90,quote=30`` override
them. ``--half fresh2`` with its defaults gives the candidates of
``fresh2.jsonl`` (seed 2026), case for case.

A negation candidate has a mention within ``NEAR`` characters of its cue
word, so that the negation may bear on it (it often does not: that is the
point of labelling by meaning). A line that opens with a quotation mark
after a line ending with a colon (an amendment paragraph introduced on the
line before) is drawn with that previous line, joined by a line break, as
the pipeline reads it in a record.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.context_quality import FILES as CONTEXT_FILES, candidate_mentions, shuffled_records  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "context"
# The files of the first halves, with every version of the CASF articles after the partial CASF.
FILES = [CONTEXT_FILES[0], "casf-versions.jsonl.gz", *CONTEXT_FILES[1:]]
# Records read while writing this script (to see how amendment paragraphs are laid
# out): left out, so that no case comes from a record looked at before labelling.
SEEN = {
    "LEGIARTI000030100650", "LEGIARTI000006735110", "etalab-cjf:casf:L541-1",
    "etalab-cjf:casf:L541-2", "etalab-cjf:casf:L542-2", "etalab-cjf:casf:L542-4",
    "etalab-cjf:casf:L542-5",
}
NEAR = 60
NEGATION = re.compile(
    r"\b(?:ne|n['’])\s+(?:\S+\s+){0,4}?(?:pas|plus|jamais|aucune?|ni|que|qu['’]|point|rien|nullement)\b"
    r"|\bsans\b|\bpas d(?:e|['’])|\baucune?\b|\bnul(?:le)?\b|\bnon\b|\bexclu(?:e|s|es)?\b"
    r"|\b[àa] d[ée]faut d|\ben l['’]absence d|\bfaute d|\bni\b",
    re.I,
)
STRATA = {
    "negation": NEGATION,
    "quote": re.compile(r"\bles mots\b|\ble mot\b|\bles termes\b|\bainsi r[ée]dig|\bremplac[ée]e?s? par\b|\bins[ée]r[ée]|\bla phrase\b|\bcompl[ée]t[ée]e?s? par|\bsuivante?s?\s*:"),
    "abrogation": re.compile(r"\babrog|\bsupprim", re.I),
    "exception": re.compile(r"\bsauf\b|\bpar d[ée]rogation\b|\b[àa] l['’]exception\b|\b[àa] l['’]exclusion\b|\bhormis\b|\bexcept[ée]|\bhors\b", re.I),
    "hypothesis": re.compile(r"\b(?:si|s['’]ils?|lorsque|lorsqu['’]|quand|tant que|au cas o[uù]|dans le cas o[uù]|dans l['’]hypoth[eè]se|[àa] condition|[àa] titre exp[ée]rimental|le cas [ée]ch[ée]ant|sous r[ée]serve|en cas d|dans la mesure o[uù]|pour autant qu|[ée]ventuel)", re.I),
}
ANY_CUE = re.compile("|".join(f"(?:{p.pattern})" for p in STRATA.values()), re.I)
# Drawn after the others (so that adding them left the first 215 cases as they were):
# a negation word right BEFORE a mention (the mention starts at most CLOSE characters
# after the cue word ends), and the wording of a repeal.
CLOSE = 25
STRATA["negation_close"] = re.compile(
    r"\b(?:ne|n['’])\s+(?:\S+\s+){0,4}?(?:pas|plus|jamais|aucune?|ni|point|rien)\b|\bsans\b|\b(?:pas|jamais) d(?:e|['’])"
    r"|\baucune?\b|\bnon\b|\bexclue?s?\b|\b[àa] d[ée]faut d|\ben l['’]absence d|\bfaute d|\bni\b",
    re.I,
)
STRATA["repeal"] = re.compile(r"\b(?:est|sont) (?:abrog|supprim)|\babrog[ée]e?s?\b", re.I)
# From fresh11 on: a negation word and a mention in one clause (no punctuation between them),
# the mention after the word (at most CLAUSE characters) or, for ne / n', right before it (at
# most SUBJECT characters: the subject of a denied verb). About one line in ten of the negation
# stratum is negated, too few to measure negation on a half; these lines are more often
# negated, and still drawn from the words only.
CLAUSE, SUBJECT = 60, 40
STRATA["negation_clause"] = NEGATION
NO_PAUSE = re.compile(r"[,;:.()«»\"“”\n]")
# The strata that keep the (start, end) of every cue word of a line, not its first one.
EVERY_CUE = ("negation_close", "negation_clause")
QUOTE_MARK = re.compile(r"[«\"“]")
# Cases per stratum of each half, in drawing order (the order matters: the strata
# share one random generator). fresh2: about 215 cases first, negation first, then
# negation_close and repeal (so that adding them left the first 215 cases as they were).
# fresh3: weighted toward what fresh2 measured weakly (negation, legal constructs, conditions).
# "everywhere": the rare strata looked for past the first per_file records of a file too
# (few lines with a repeal word also hold a mention, and the earlier halves took many; for
# fresh3 the repeal stratum found none left: its repeal and suppression lines are in abrogation).
# fresh4: more negation right before a mention (negation_close 80); its quote stratum finds only 11
# lines left with a mention and its repeal stratum none, so it draws 236 cases, not 270.
# The strata looked for past the first per_file records from fresh3 on.
RARE_STRATA = ["repeal", "abrogation", "quote", "exception"]


def _later_half(n: int, seed: int, targets: dict[str, int], avoid_external: bool = True,
                everywhere: list[str] = RARE_STRATA) -> dict:
    """The settings of ``fresh<n>`` (n >= 3): every half before it left out (cases, fresh, fresh2 …
    fresh<n-1>), the rare strata (or ``everywhere``) looked for in every record, and no text of
    external.jsonl (from fresh5 on)."""
    half = {
        "seed": seed,
        "targets": targets,
        "earlier": ["cases.jsonl", "fresh.jsonl", *(f"fresh{k}.jsonl" for k in range(2, n))],
        "everywhere": everywhere,
    }
    if avoid_external:
        half["avoid_texts"] = ["external.jsonl"]
    return half


HALVES = {
    "fresh2": {
        "seed": 2026,
        "targets": {"negation": 110, "quote": 25, "abrogation": 25, "exception": 20, "hypothesis": 20, "plain": 15,
                    "negation_close": 45, "repeal": 15},
        "earlier": ["cases.jsonl", "fresh.jsonl"],
        "everywhere": ["repeal"],
    },
    "fresh3": _later_half(3, 2027, {"negation": 90, "negation_close": 60, "quote": 30, "repeal": 15, "abrogation": 20,
                                    "exception": 25, "hypothesis": 30, "plain": 15}, avoid_external=False),
    "fresh4": _later_half(4, 2028, {"negation": 70, "negation_close": 80, "quote": 30, "repeal": 15, "abrogation": 15,
                                    "exception": 25, "hypothesis": 25, "plain": 10}, avoid_external=False),
    # fresh5: weighted toward negation (100 + 110), held out for the rules after context 2.5.0; no
    # text of external.jsonl either (fresh4_second.jsonl has no text). Its quote and repeal strata
    # find no line left with a mention and abrogation only 6, so it draws 271 cases, not 325.
    "fresh5": _later_half(5, 2029, {"negation": 100, "negation_close": 110, "quote": 30, "repeal": 15, "abrogation": 15,
                                    "exception": 25, "hypothesis": 20, "plain": 10}),
    # fresh6: weighted toward negation (100 + 100) and hypothesis (40), held out for the rules after
    # context 2.6.0 (fresh5 is held out for 2.6.0); no text of external.jsonl either. Its quote, repeal
    # and abrogation strata find no line left with a mention and negation_close 87, so it draws 267
    # cases, not 340 (no other source file helps: see fresh6.md).
    "fresh6": _later_half(6, 2030, {"negation": 100, "negation_close": 100, "quote": 30, "repeal": 15, "abrogation": 15,
                                    "exception": 30, "hypothesis": 40, "plain": 10}),
    # fresh7: weighted toward negation (90 + 90), hypothesis (50) and exception (40), held out for the
    # version after context 2.6.0 (fresh5 and fresh6 measured 2.6.0); no text of external.jsonl either.
    # Its quote, repeal and abrogation strata find no line left with a mention and negation_close 49,
    # so it draws 239 cases, not 340 (see fresh7.md).
    "fresh7": _later_half(7, 2031, {"negation": 90, "negation_close": 90, "quote": 30, "repeal": 15, "abrogation": 15,
                                    "exception": 40, "hypothesis": 50, "plain": 10}),
    # fresh8: weighted toward negation (100 + 60), hypothesis (60) and exception (40), held out for the
    # version after context 2.7.0 (fresh7 measured 2.7.0); no text of external.jsonl either. Its quote, repeal
    # and abrogation strata find no line left with a mention and negation_close 26, so it draws 236 cases, not
    # 330 (see fresh8.md).
    "fresh8": _later_half(8, 2032, {"negation": 100, "negation_close": 60, "quote": 30, "repeal": 15, "abrogation": 15,
                                    "exception": 40, "hypothesis": 60, "plain": 10}),
    # fresh9: weighted toward negation (110 + 60), hypothesis (80) and exception (50), held out for the
    # version after context 2.7.0 together with fresh8; no text of external.jsonl either (see fresh9.md
    # for the strata that came short).
    "fresh9": _later_half(9, 2033, {"negation": 110, "negation_close": 60, "quote": 30, "repeal": 15, "abrogation": 15,
                                    "exception": 50, "hypothesis": 80, "plain": 10}),
    # fresh10: weighted toward negation (170 + 60; only about one line in ten of the negation stratum is
    # negated), held out for the version after context 2.8.0 (fresh8 and fresh9 measured 2.8.0); no text of
    # external.jsonl either (see fresh10.md for the strata that came short).
    "fresh10": _later_half(10, 2034, {"negation": 170, "negation_close": 60, "quote": 30, "repeal": 15,
                                      "abrogation": 15, "exception": 30, "hypothesis": 40, "plain": 10}),
    # fresh11: the negation_clause stratum (a negation word and a mention in one clause) first, to hold
    # enough negated mentions for a negation figure; held out for the version after context 2.9.0
    # (fresh10 measured 2.9.0); no text of external.jsonl either (see fresh11.md); its negation_clause lines
    # are looked for in every record of a file too.
    "fresh11": _later_half(11, 2035, {"negation_clause": 220, "negation": 40, "exception": 40, "hypothesis": 50,
                                      "quote": 30, "repeal": 15, "abrogation": 15, "plain": 10},
                           everywhere=[*RARE_STRATA, "negation_clause"]),
}


def article_key(record_id: str) -> str:
    """One key per article: every version of a CASF article (``CASF:L311-6@2002-01-03``)
    and its record in the partial CASF file (``etalab-cjf:casf:L311-6``) share it."""
    if record_id.startswith("CASF:"):
        return "casf:" + record_id[5:].split("@")[0]
    if record_id.startswith("etalab-cjf:casf:"):
        return "casf:" + record_id[16:]
    return record_id


def used_records(earlier: list[str]) -> tuple[set[str], set[str]]:
    """Article keys and texts of the cases of the earlier halves' files (and SEEN)."""
    used, texts = {article_key(r) for r in SEEN}, set()
    for name in earlier:
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                used.add(article_key(case["record_id"]))
                texts.add(case["text"])
    return used, texts


def units(text: str):
    """(text, offset of the cue line in it) for each line of a record, 30 to 400 characters;
    a line opening with a quotation mark after a line ending with ':' comes with that line."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not 30 <= len(line) <= 400:
            continue
        if i and QUOTE_MARK.match(line) and lines[i - 1].rstrip().endswith(":") and len(lines[i - 1]) <= 300:
            yield lines[i - 1] + "\n" + line, len(lines[i - 1]) + 1
        else:
            yield line, 0


def in_clause(text: str, cue: tuple[int, int], span) -> bool:
    """Whether a mention lies in the clause of a negation word: after it, within CLAUSE
    characters, or (ne / n') right before it, within SUBJECT characters, with no pause between."""
    start, end = cue
    if 0 <= span.start_char - end <= CLAUSE:
        return not NO_PAUSE.search(text, end, span.start_char)
    if text[start].lower() == "n" and 0 <= start - span.end_char <= SUBJECT:
        return not NO_PAUSE.search(text, span.end_char, start)
    return False


def candidates(seed: int, per_file: int, targets: dict[str, int], earlier: list[str],
               everywhere: list[str]) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    used, _ = used_records(earlier)
    pools: dict[str, list[dict]] = {name: [] for name in targets}
    for name in FILES:
        records = shuffled_records(name, rng)
        for n, record in enumerate(records):
            if article_key(record["id"]) in used:
                continue
            # Past the first per_file records, only the rare strata are looked for.
            strata = STRATA if n < per_file else {name: STRATA[name] for name in everywhere}
            for text, offset in units(record["text"]):
                line = text[offset:]
                item = {"file": name, "record_id": record["id"], "text": text}
                for stratum, pattern in strata.items():
                    if stratum not in pools:  # a stratum this half does not draw
                        continue
                    if stratum in EVERY_CUE:
                        # every negation word of the line: the mention is chosen by its place to one of them
                        found = None
                        cues = [(offset + f.start(), offset + f.end()) for f in pattern.finditer(line)]
                        if cues:
                            pools[stratum].append({**item, "stratum": stratum, "cue_at": cues})
                    elif stratum == "quote":
                        found = pattern.search(text) if QUOTE_MARK.search(line) else None
                    else:
                        found = pattern.search(line)
                    if found:
                        at = found.start() + (0 if stratum == "quote" else offset)
                        pools[stratum].append({**item, "stratum": stratum, "cue_at": at})
                if n < per_file and not ANY_CUE.search(text):
                    pools["plain"].append({**item, "stratum": "plain", "cue_at": None})
    return pools


def _mention_for(stratum: str, item: dict, spans: list, rng: random.Random):
    """The mention a candidate line is drawn with, or None if the line has none for its stratum
    (the cue position ``cue_at`` is taken off the item)."""
    at = item.pop("cue_at")
    if stratum == "negation_clause":  # the first mention in a clause with a cue word
        return next((s for s in spans if any(in_clause(item["text"], cue, s) for cue in at)), None)
    if stratum == "negation_close":  # the first mention right after a cue word
        return next((s for s in spans if any(0 <= s.start_char - end <= CLOSE for _, end in at)), None)
    if at is None:  # plain: any mention
        return spans[rng.randrange(len(spans))]
    span = min(spans, key=lambda s: (min(abs(s.start_char - at), abs(s.end_char - at)), s.start_char))
    if stratum == "negation" and min(abs(span.start_char - at), abs(span.end_char - at)) > NEAR:
        return None
    return span


def draw(seed: int = 2026, per_file: int = 1500, targets: dict[str, int] | None = None,
         earlier: list[str] | None = None, everywhere: list[str] | None = None,
         avoid_texts: list[str] | None = None) -> list[dict]:
    """The candidates of a half: ``targets`` cases per stratum, none from an article or a text of
    the ``earlier`` halves' files, the strata ``everywhere`` looked for in every record of a file
    (fresh2's defaults); nor a text of the ``avoid_texts`` files (whose articles do not count)."""
    fresh2 = HALVES["fresh2"]
    targets = fresh2["targets"] if targets is None else targets
    earlier = fresh2["earlier"] if earlier is None else earlier
    everywhere = fresh2["everywhere"] if everywhere is None else everywhere
    sys.path.insert(0, str(ROOT))
    import isic_nlp

    nlp = isic_nlp.load("fast")
    nlp.disable_pipe("isic_context")  # only the mentions: the rules' verdict is not looked at
    rng = random.Random(seed)
    pools = candidates(seed, per_file, targets, earlier, everywhere)
    taken_records: set[str] = set()
    _, taken_texts = used_records(earlier)  # no text twice, nor one of the older halves
    taken_texts |= used_records(avoid_texts or [])[1]  # nor one of these files (external.jsonl)
    out = []
    for stratum, target in targets.items():
        pool = pools[stratum]
        rng.shuffle(pool)
        # Round robin over the files, so that no file fills a stratum.
        by_file: dict[str, list[dict]] = {}
        for item in pool:
            by_file.setdefault(item["file"], []).append(item)
        queues = [by_file[f] for f in FILES if f in by_file]
        taken = 0
        while taken < target and any(queues):
            for queue in queues:
                if taken >= target:
                    break
                while queue:
                    item = queue.pop()
                    if article_key(item["record_id"]) in taken_records or item["text"] in taken_texts:
                        continue
                    spans = candidate_mentions(nlp, item["text"])
                    if not spans:
                        continue
                    span = _mention_for(stratum, item, spans, rng)
                    if span is None:
                        continue
                    out.append({**item, "mention": span.text, "start": span.start_char})
                    taken_records.add(article_key(item["record_id"]))
                    taken_texts.add(item["text"])
                    taken += 1
                    break
    return out


def parse_targets(value: str) -> dict[str, int]:
    """Cases per stratum from ``negation=90,quote=30`` (strata of STRATA and ``plain``)."""
    targets = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, _, count = part.partition("=")
        if name not in (*STRATA, "plain") or not count.isdigit():
            raise argparse.ArgumentTypeError(
                f"bad stratum target {part!r}: want NAME=COUNT with NAME among {', '.join([*STRATA, 'plain'])}")
        targets[name] = int(count)
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", default="fresh2", choices=sorted(HALVES), help="the half to draw (its defaults)")
    parser.add_argument("--seed", type=int, help="overrides the half's seed")
    parser.add_argument("--targets", type=parse_targets,
                        help="overrides the half's cases per stratum: negation=90,quote=30,...")
    parser.add_argument("--per-file", type=int, default=1500, help="records read per corpus file (after shuffling)")
    args = parser.parse_args(argv)
    half = HALVES[args.half]
    seed = half["seed"] if args.seed is None else args.seed
    cases = draw(seed, args.per_file, args.targets or half["targets"], half["earlier"], half["everywhere"],
                 half.get("avoid_texts"))
    for i, case in enumerate(cases, 1):
        print(json.dumps({"id": f"{args.half}-{i:03d}", **case}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
