"""``benchmarks/context_quality.py --in-record``: a case's mention read in its whole record."""

from __future__ import annotations

from benchmarks.context_quality import predict

RECORD = ("L'article 5 de la convention est ainsi rédigé :\n« Article 5\n"
          "Les organisations syndicales négocient un accord collectif.\nLe conseil de la vie sociale est consulté. »\n"
          "Article 2\nLe conseil de la vie sociale est réuni.")
LINE = "Les organisations syndicales négocient un accord collectif."
CASE = {"text": LINE, "start": LINE.index("accord collectif"), "mention": "accord collectif"}


def test_a_line_inside_amendment_text_is_quoted_only_when_read_in_its_record(nlp_fast):
    assert predict(nlp_fast, CASE) == set()  # the line alone holds no quotation mark
    assert predict(nlp_fast, CASE, RECORD) == {"quotation"}
    # A record that does not hold the case's text: the line alone.
    assert predict(nlp_fast, CASE, "Un autre texte.") == set()
    assert predict(nlp_fast, {**CASE, "start": 0}, RECORD) == {"<no mention>"}


def test_the_quotation_flag_read_in_the_record_replaces_the_lines_and_only_it(tmp_path):
    from benchmarks.context_quality import with_record_quotation

    cases = [
        {"id": "a", "flags": ["negation"]},
        {"id": "b", "flags": ["quotation", "exception"]},
        {"id": "c", "flags": []},
        {"id": "d", "flags": ["quotation"]},
    ]
    labels = tmp_path / "record_quotation.jsonl"
    labels.write_text('{"id": "a", "quotation": true}\n{"id": "b", "quotation": false}\n'
                      '{"id": "d", "quotation": true}\n', encoding="utf-8")
    out, changed = with_record_quotation(cases, labels)
    assert [c["flags"] for c in out] == [["negation", "quotation"], ["exception"], [], ["quotation"]]
    assert changed == 2
    assert cases[0]["flags"] == ["negation"]  # the cases given are left as they were
    assert with_record_quotation(cases, tmp_path / "none.jsonl") == (cases, 0)
