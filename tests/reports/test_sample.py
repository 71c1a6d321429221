"""Tests of isic_nlp.reports.sample and `isic-nlp sample`: drawing, the sheet, reading labels back."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from isic_nlp.classify.labels import FRAMES, MODES
from isic_nlp.errors import IsicError
from isic_nlp.reports.sample import (
    LABEL_COLUMNS,
    XLSX_CELL_LIMIT,
    add_period,
    draw_sample,
    read_labels_sheet,
    write_sample,
)


def corpus(sizes=None) -> pd.DataFrame:
    sizes = sizes or {"1980–1989": 4, "1990–1999": 30, "2000–2009": 66}
    rows = []
    for period, size in sizes.items():
        rows += [{"id": f"{period[:4]}-{i:03d}", "text": f"Texte {period} {i}.", "period": period} for i in range(size)]
    return pd.DataFrame(rows)


def test_equal_allocation_with_reallocation_and_weights():
    units = corpus()
    sample = draw_sample(units, 30, by="period", seed=0)
    per = sample.groupby("stratum").agg(n=("id", "size"), N=("stratum_size", "first"), w=("weight", "first"),
                                       p=("inclusion_probability", "first"))
    # 10 each; the 1980s have 4: all taken, the 6 left go 3 + 3 to the two others
    assert per["n"].to_dict() == {"1980–1989": 4, "1990–1999": 13, "2000–2009": 13}
    assert per["N"].to_dict() == {"1980–1989": 4, "1990–1999": 30, "2000–2009": 66}
    assert np.allclose(per["w"], per["N"] / per["n"]) and np.allclose(per["p"], per["n"] / per["N"])
    # the weights add up to the population
    assert math.isclose(sample["weight"].sum(), len(units))
    assert sample["id"].is_unique and set(sample["id"]) <= set(units["id"])
    assert (sample["stratum"] == sample["period"]).all()


def test_remainder_and_more_than_available():
    units = corpus({"a": 10, "b": 10, "c": 10})
    assert sorted(draw_sample(units, 8, by="period").groupby("stratum").size().tolist()) == [2, 3, 3]
    everything = draw_sample(units, 500, by="period")
    assert len(everything) == 30 and (everything["weight"] == 1).all()
    single = draw_sample(units, 5)
    assert len(single) == 5 and (single["stratum"] == "(all)").all() and (single["weight"] == 6).all()


def test_missing_stratum_values_are_one_stratum():
    units = corpus({"a": 5, "b": 5}).assign(period=["a"] * 5 + [None] * 5)
    assert set(draw_sample(units, 4, by="period")["stratum"]) == {"a", "(no value)"}


def test_reproducible_whatever_the_input_order():
    units = corpus()
    first = draw_sample(units, 20, by="period", seed=7)["id"].tolist()
    shuffled = units.sample(frac=1, random_state=3)
    assert draw_sample(shuffled, 20, by="period", seed=7)["id"].tolist() == first
    assert draw_sample(units, 20, by="period", seed=8)["id"].tolist() != first


def with_probabilities(units: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    p = rng.dirichlet([5, 5, 5, 5], size=len(units)) ** 4  # peaked: low entropy
    p = p / p.sum(axis=1, keepdims=True)
    table = units.assign(**{f"p_{f}": p[:, i] for i, f in enumerate(FRAMES)})
    # three units the model cannot decide: uniform probabilities (maximal entropy)
    for unit_id in ("2000-010", "2000-020", "1990-005"):
        table.loc[table["id"] == unit_id, [f"p_{f}" for f in FRAMES]] = 0.25
    return table


def test_uncertain_takes_the_highest_entropy_per_stratum():
    units = with_probabilities(corpus())
    sample = draw_sample(units, 6, by="period", strategy="uncertain")
    chosen = set(sample["id"])
    assert {"2000-010", "2000-020", "1990-005"} <= chosen
    for stratum, part in sample.groupby("stratum"):
        rest = units[(units["period"] == stratum) & ~units["id"].isin(part["id"])]
        entropy = -(rest[[f"p_{f}" for f in FRAMES]] * np.log(rest[[f"p_{f}" for f in FRAMES]])).sum(axis=1)
        assert part["entropy"].min() >= entropy.max() - 1e-12
    assert sample["weight"].isna().all()
    # ties (every unit uniform) are broken by the seed, reproducibly
    flat = corpus().assign(**{f"p_{f}": 0.25 for f in FRAMES})
    one = draw_sample(flat, 5, strategy="uncertain", seed=1)["id"].tolist()
    assert one == draw_sample(flat, 5, strategy="uncertain", seed=1)["id"].tolist()
    assert one != draw_sample(flat, 5, strategy="uncertain", seed=2)["id"].tolist()


@pytest.mark.parametrize(
    "kwargs, code",
    [({"strategy": "random"}, "E407"), ({"n": 0}, "E006"), ({"by": "decade"}, "E601"), ({"strategy": "uncertain"}, "E701")],
)
def test_bad_requests_are_coded_errors(kwargs, code):
    args = {"n": 5, **kwargs}
    with pytest.raises(IsicError, match=code):
        draw_sample(corpus(), **args)


def test_duplicate_ids_are_refused():
    units = corpus({"a": 3}).assign(id=["x", "x", "y"])
    with pytest.raises(IsicError, match="E701"):
        draw_sample(units, 2)


def test_add_period_labels():
    units = pd.DataFrame({"date": ["1985-12-17", None, "2008-05-01", "1989-01-01"]})
    assert add_period(units, 5)["period"].tolist() == ["1985–1989", "(no date)", "2005–2009", "1985–1989"]


# --------------------------------------------------------------------------- the sheet


@pytest.fixture
def written(tmp_path):
    units = corpus({"a": 6, "b": 6})
    units.loc[0, "text"] = "=HYPERLINK(\"http://example.org\") n'est pas une formule"
    units.loc[1, "text"] = "x" * (XLSX_CELL_LIMIT + 100)
    units.loc[2, "text"] = "Les droits de l'usager — « accès » à l'œuvre."
    units["title"] = "Code, article"
    units["frame"] = "individual"  # a label already in the inputs: not shown to the labeller
    units["p_collective"] = 0.9  # nor the model's probabilities
    sample = draw_sample(units, 12, by="period")
    return sample, write_sample(sample, tmp_path / "sample.csv")


def test_csv_has_a_bom_and_the_label_columns(written):
    sample, paths = written
    raw = paths[".csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(paths[".csv"], encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns) == ["row", "id", "title", "text", *LABEL_COLUMNS, "stratum", "stratum_size", "stratum_n",
                                   "inclusion_probability", "weight"]
    assert sorted(table["id"]) == sorted(sample["id"]) and (table[list(LABEL_COLUMNS)] == "").all().all()
    assert "Les droits de l'usager — « accès » à l'œuvre." in table["text"].tolist()
    assert max(table["text"].str.len()) == XLSX_CELL_LIMIT + 100  # the CSV keeps the full text


def test_xlsx_has_drop_downs_frozen_header_wrapped_text_and_the_guideline(written):
    _, paths = written
    book = load_workbook(paths[".xlsx"])
    assert book.sheetnames == ["labels", "guideline"]
    sheet = book["labels"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "C2"
    rules = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    col = {name: chr(ord("A") + header.index(name)) for name in ("frame", "labour_relations", *MODES)}
    assert rules[f"{col['frame']}2:{col['frame']}13"] == '"' + ",".join(FRAMES) + '"'
    for name in ("labour_relations", *MODES):
        assert rules[f"{col[name]}2:{col[name]}13"] == '"yes,no"'
    text_col = header.index("text") + 1
    texts = [sheet.cell(row=r, column=text_col) for r in range(2, 14)]
    assert all(c.alignment.wrap_text for c in texts)
    assert all(len(c.value) <= XLSX_CELL_LIMIT for c in texts)
    assert any(c.value.endswith("the full text is in the .csv)") for c in texts)
    formula = [c for c in texts if c.value.startswith("=HYPERLINK")]
    assert formula and formula[0].data_type == "s"
    guide = [row[0] for row in book["guideline"].iter_rows(min_row=2, values_only=True)]
    assert {"frame = individual", "frame = collective", "frame = mixed", "frame = none", *MODES} <= set(guide)


def fill(path, rows: dict[int, dict]):
    """Fill some rows of the written .xlsx as a labeller would (row = spreadsheet row)."""
    book = load_workbook(path)
    sheet = book["labels"]
    header = [c.value for c in sheet[1]]
    for number, values in rows.items():
        for name, value in values.items():
            sheet.cell(row=number, column=header.index(name) + 1).value = value
    book.save(path)
    return [sheet.cell(row=r, column=header.index("id") + 1).value for r in range(2, sheet.max_row + 1)]


def test_read_back_labels_and_every_bad_row(written):
    _, paths = written
    ids = fill(paths[".xlsx"], {
        2: {"frame": "collective", "labour_relations": "yes", "groupes": "yes", "note": "groupe de parole"},
        3: {"frame": "Individual"},  # case does not matter; blank modes are no
        4: {"frame": "individuel"},  # E703
        5: {"frame": "none", "dsl": "peut-être"},  # E703
        6: {"communautaire": "yes"},  # E706: labels but no frame
        7: {"frame": "mixed", "id": None},  # E704
        8: {"frame": "none", "id": "DUP"},
        9: {"frame": "none", "id": "DUP", "collectives": True},  # E705 (a boolean, as Excel may store it)
        10: {"note": "je ne sais pas"},  # a note alone: not labelled
    })
    sheet = read_labels_sheet(paths[".xlsx"])
    assert [(p.line, p.code) for p in sheet.problems] == [(4, "E703"), (5, "E703"), (6, "E706"), (7, "E704"), (9, "E705")]
    assert all(p.file == str(paths[".xlsx"]) and p.severity == "error" for p in sheet.problems)
    assert "'individuel'" in sheet.problems[0].reason and "dsl" in sheet.problems[1].reason
    labels = sheet.labels.set_index("id")
    assert list(labels.index) == [ids[0], ids[1], "DUP"]
    first = labels.loc[ids[0]]
    assert first["frame"] == "collective" and first["labour_relations"] and first["modes"] == ["groupes"]
    assert first["mode_groupes"] and not first["mode_dsl"] and first["note"] == "groupe de parole"
    assert first["stratum"] in ("a", "b") and first["weight"] == 1.0 and first["row"] == 2
    assert labels.loc[ids[1], "frame"] == "individual" and labels.loc[ids[1], "modes"] == []
    assert sheet.n_rows == 12 and sheet.n_blank == 4 and sheet.n_labelled == 3


def test_read_back_a_csv_saved_by_french_excel(written, tmp_path):
    _, paths = written
    table = pd.read_csv(paths[".csv"], encoding="utf-8-sig", keep_default_na=False, dtype=str)
    accented = table.index[table["text"].str.startswith("Les droits")][0]
    other = table.index[table.index != accented][0]
    table.loc[accented, ["frame", "communautaire"]] = ["collective", "oui"]
    table.loc[other, ["frame", "labour_relations"]] = ["none", "non"]
    resaved = tmp_path / "rempli.csv"
    resaved.write_bytes(table.to_csv(index=False, sep=";").encode("cp1252", errors="replace"))
    sheet = read_labels_sheet(resaved)
    assert not sheet.problems and sheet.n_labelled == 2 and sheet.n_blank == 10
    got = sheet.labels.set_index("id")
    assert got.loc[table.loc[accented, "id"], "modes"] == ["communautaire"]
    # cp1252 has every character of this French text: it comes back intact
    assert got.loc[table.loc[accented, "id"], "text"] == "Les droits de l'usager — « accès » à l'œuvre."
    assert got.loc[table.loc[other, "id"], "labour_relations"] == False  # noqa: E712


def test_csv_rows_are_reported_by_line(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text('id,text,frame,note\na,"deux\nlignes",collective,\nb,un,autre,\n,trois,none,\n', encoding="utf-8")
    sheet = read_labels_sheet(path)
    assert [(p.line, p.code, p.id) for p in sheet.problems] == [(4, "E703", "b"), (5, "E704", None)]
    assert sheet.labels["id"].tolist() == ["a"] and sheet.labels["text"].tolist() == ["deux\nlignes"]


def test_sheet_level_errors(tmp_path):
    with pytest.raises(IsicError, match="E001"):
        read_labels_sheet(tmp_path / "absent.xlsx")
    (tmp_path / "no_frame.csv").write_text("id,text\na,b\n", encoding="utf-8")
    with pytest.raises(IsicError, match="E702"):
        read_labels_sheet(tmp_path / "no_frame.csv")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(IsicError, match="E707"):
        read_labels_sheet(tmp_path / "broken.xlsx")


# --------------------------------------------------------------------------- the command


@pytest.mark.slow  # two runs of the command, each loading the pipeline: ~13 s
def test_sample_command_writes_both_files_and_is_reproducible(tmp_path):
    from isic_nlp.cli import app

    records = [{"id": f"d{i}", "date": f"{1990 + 3 * i}-01-01", "doc_type": "LOI",
                "text": f"Article 1\nLe conseil de la vie sociale {i} associe les usagers.\nArticle 2\nLe projet personnalisé."}
               for i in range(8)]
    source = tmp_path / "corpus.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    runner = CliRunner()
    args = ["sample", str(source), "--n", "6", "--by", "period", "--period-years", "10", "--unit", "article", "--seed", "3"]
    first = runner.invoke(app, [*args, "--out", str(tmp_path / "one.csv")])
    assert first.exit_code == 0, first.output
    assert "Drew 6 of 16 articles" in first.output and "1990–1999: 2 of 8" in first.output
    assert (tmp_path / "one.xlsx").exists()
    second = runner.invoke(app, [*args, "--out", str(tmp_path / "two.csv")])
    assert second.exit_code == 0
    one = pd.read_csv(tmp_path / "one.csv", encoding="utf-8-sig")
    assert one.equals(pd.read_csv(tmp_path / "two.csv", encoding="utf-8-sig"))
    # units are articles, with their own text cut from the record
    assert one["id"].str.match(r"^d\d/art-[12]$").all() and one["unit_type"].eq("article").all()
    assert {t.split("\n")[0] for t in one["text"]} <= {"Article 1", "Article 2"}
