"""Read the XML of the DILA open data (LEGI, JORF, KALI): one record per article, as the LEGI JSON reader gives.

The official archives (``LEGI_20250713-…tar.gz`` and the daily
``Freemium_legi_global_…tar.gz`` on ``echanges.dila.gouv.fr/OPENDATA``) hold one
XML file per article version (``…/article/LEGI/ARTI/…/LEGIARTI….xml``), per
text version (``TEXTE_VERSION``), per section (``SECTION_TA``) and per text
structure (``TEXTELR``). :func:`dila_records` turns one parsed file into records:

* ``ARTICLE`` → one record: ``id`` = ``META_COMMUN/ID`` (the version's
  LEGIARTI, JORFARTI or KALIARTI), ``text`` = the HTML of
  ``BLOC_TEXTUEL/CONTENU`` as plain text with its paragraph breaks
  (:func:`isic_nlp.corpus.legi.html_to_text`), and the ``meta`` fields of
  :mod:`isic_nlp.corpus.legi` (``doc_type``, ``title``, ``date``, ``year``,
  ``date_source``, ``article_num``, ``cid``, ``code_id``, ``code_title``,
  ``section_path``, ``etat``, ``creating_text``, ``date_signature``,
  ``date_publication``, ``date_in_force``, ``first_version_date``,
  ``current_version_date``, ``n_versions``, ``last_modified_by``, ``nota``)
  with the same date rules, read from ``META_ARTICLE`` (``NUM``, ``ETAT``,
  ``DATE_DEBUT``, ``DATE_FIN``), ``CONTEXTE/TEXTE`` (the code or text: its
  ``cid``, ``nature``, ``TITRE_TXT``, and the nested ``TM/TITRE_TM`` section
  titles), ``VERSIONS`` and ``LIENS`` (``typelien``, ``sens``,
  ``datesignatexte``); plus ``date_end`` (``DATE_FIN``, null for LEGI's
  2999-01-01), ``text_nature``, ``nor`` and ``source_format`` = ``dila-xml``.
  ``cid`` is the id of the article's first version in ``VERSIONS`` (the id
  every version shares: deduplicate on it).
  An article of a text that is not a code (a JORF article of a loi, a KALI
  article of an agreement) gets the ``doc_type`` of its text (``LOI``,
  ``DECRET``…, ``CONVENTION_COLLECTIVE``) and, when no link says which text
  created it, the text containing it as ``creating_text`` (its signature date
  is the ``date``); a KALI article also gets its agreement from
  ``CONTEXTE/CONTENEUR`` (``idcc``, ``container_id``, ``container_title``,
  which names the ``title``);
* ``TEXTE_VERSION`` → one record when it has a text of its own (``VISAS``,
  ``SIGNATAIRES``): ``id`` = its ``ID``, ``title`` = ``TITREFULL``, ``nor``,
  ``date`` (``DATE_TEXTE``, the signature), ``date_publication``; its articles
  are their own files. A text version without text (a code's) is skipped;
* ``SECTION_TA``, ``TEXTELR`` and the other structure files are not records:
  the titles they hold are in each article's ``CONTEXTE``. They are counted
  (W215).

Example:
    >>> from isic_nlp.corpus.xmlsafe import parse_xml
    >>> root = parse_xml(b'<ARTICLE><META><META_COMMUN><ID>LEGIARTI000006796411</ID></META_COMMUN>'
    ...     b'<META_SPEC><META_ARTICLE><NUM>L116-1</NUM><ETAT>VIGUEUR</ETAT><DATE_DEBUT>2002-01-03</DATE_DEBUT>'
    ...     b'<DATE_FIN>2999-01-01</DATE_FIN></META_ARTICLE></META_SPEC></META><CONTEXTE>'
    ...     b'<TEXTE cid="LEGITEXT000006074069" nature="CODE"><TITRE_TXT>Code de l\\'action sociale et des familles'
    ...     b'</TITRE_TXT><TM><TITRE_TM>Partie l\\xc3\\xa9gislative</TITRE_TM></TM></TEXTE></CONTEXTE>'
    ...     b'<BLOC_TEXTUEL><CONTENU><p>L\\'action sociale tend \\xc3\\xa0 promouvoir...</p><p>Elle repose...</p>'
    ...     b'</CONTENU></BLOC_TEXTUEL></ARTICLE>', "a.xml")
    >>> record = next(dila_records(root, "a.xml"))
    >>> record.id, record.text, record.meta["title"], record.meta["section_path"]
    ('LEGIARTI000006796411', "L'action sociale tend à promouvoir...\\nElle repose...", "Code de l'action sociale et des familles, article L116-1", ['Partie législative'])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, tostring

from .hygiene import clean_dates
from .legi import article_meta, html_to_text, legi_day
from .records import InputProblem, Record
from .titles import fill_from_title, normalise_doc_type
from .xmlsafe import child, children, local, text_of

__all__ = ["RECORD_ROOTS", "dila_records", "html_of"]

#: Root elements that give records; the other DILA roots are structure.
RECORD_ROOTS = frozenset({"ARTICLE", "TEXTE_VERSION"})


def dila_records(root: Element, file: str) -> Iterator[Record | InputProblem]:
    """The record of one parsed DILA file (none for a structure file: the caller counts it)."""
    name = local(root.tag)
    if name == "ARTICLE":
        yield from _article(root, file)
    elif name == "TEXTE_VERSION":
        yield from _text_version(root, file)


def html_of(contenu: Element | None) -> str:
    """The HTML inside a ``CONTENU`` element, as a string (``""`` when there is none)."""
    if contenu is None:
        return ""
    inner = [contenu.text or ""]
    inner += [tostring(sub, encoding="unicode") for sub in contenu]  # each with its tail
    return "".join(inner)


def _content(element: Element | None, *path: str) -> str:
    return html_to_text(html_of(child(element, *path))) if element is not None else ""


def _article(root: Element, file: str) -> Iterator[Record | InputProblem]:
    common = child(root, "META", "META_COMMUN")
    spec = child(root, "META", "META_SPEC", "META_ARTICLE")
    rid = text_of(child(common, "ID"))
    num = text_of(child(spec, "NUM"))
    texte = child(root, "CONTEXTE", "TEXTE")
    if not rid:
        cid = texte.get("cid") if texte is not None else None
        yield InputProblem.from_code(file, None, None, "E211", num=num, cid=cid)
        return
    text = _content(root, "BLOC_TEXTUEL", "CONTENU")
    if not text:
        yield InputProblem.from_code(file, None, rid, "E203")
        return
    versions = [
        {"dateDebut": link.get("debut"), "id": link.get("id"), "etat": link.get("etat")}
        for version in _all(root, "VERSIONS", "VERSION")
        for link in children(version, "LIEN_ART")
    ]
    links = [
        {
            "linkType": link.get("typelien"),
            "linkOrientation": link.get("sens"),
            "dateSignaTexte": link.get("datesignatexte"),
            "natureText": link.get("naturetexte"),
            "textCid": link.get("cidtexte"),
            "textTitle": text_of(link),
        }
        for link in _all(root, "LIENS", "LIEN")
    ]
    data: dict[str, Any] = {
        "id": rid,
        "num": num,
        "etat": text_of(child(spec, "ETAT")),
        "dateDebut": text_of(child(spec, "DATE_DEBUT")),
        "articleVersions": versions,
        "lienModifications": links,
        "nota": _content(root, "NOTA", "CONTENU") or None,
    }
    dated = [v for v in versions if legi_day(v["dateDebut"]) and v["id"]]
    if dated:  # the id shared by all versions: the first version's (as legi-data's cid)
        data["cid"] = min(dated, key=lambda v: legi_day(v["dateDebut"]))["id"]
    code, sections, nature = _context(texte)
    meta = article_meta(data, code, sections)
    is_code = nature == "CODE" or (nature is None and (code.get("id") or "").startswith("LEGITEXT"))
    if not is_code:
        meta["doc_type"] = "CONVENTION_COLLECTIVE" if rid.startswith("KALI") else normalise_doc_type(nature) or "OTHER"
        if meta["date_source"] != "creating_text" and texte is not None:
            signed = legi_day(texte.get("date_signature"))
            if signed:
                creating = {
                    "title": code.get("title"),
                    "nature": nature,
                    "text_cid": texte.get("cid"),
                    "link_type": "CONTEXTE",
                    "date_signature": signed,
                    "date_publication": legi_day(texte.get("date_publi")),
                }
                meta.update(
                    date=signed,
                    year=int(signed[:4]),
                    date_source="creating_text",
                    creating_text=creating,
                    creating_text_nature=nature,
                    date_signature=signed,
                    date_publication=creating["date_publication"],
                )
    container = child(root, "CONTEXTE", "CONTENEUR")
    if container is not None:  # KALI: the collective agreement (IDCC) the text belongs to
        agreement = " ".join((container.get("titre") or "").split()) or None
        meta.update(idcc=container.get("num") or None, container_id=container.get("cid") or None,
                    container_title=agreement)
        if agreement:
            meta["title"] = f"{agreement}, article {num}" if num else agreement
    meta.update(
        date_end=legi_day(text_of(child(spec, "DATE_FIN"))),
        text_nature=nature,
        nor=(texte.get("nor") or None) if texte is not None else None,
        source_format="dila-xml",
    )
    yield Record(rid, text, meta, file, None)


def _all(root: Element, parent: str, name: str) -> list[Element]:
    """The ``name`` children of ``root``'s ``parent`` child (none when it is missing)."""
    found = child(root, parent)
    return list(children(found, name)) if found is not None else []


def _context(texte: Element | None) -> tuple[dict[str, Any], list[str], str | None]:
    """The code (or text) of an article, its section titles (outermost first), and the text's nature."""
    if texte is None:
        return {}, [], None
    nature = texte.get("nature") or None
    titles = list(children(texte, "TITRE_TXT"))
    # A text has one TITRE_TXT per version of its title; the LEGITEXT one is the consolidated text.
    chosen = next((t for t in titles if (t.get("id_txt") or "").startswith("LEGITEXT")), titles[0] if titles else None)
    title = None
    if chosen is not None:
        full, short = text_of(chosen), " ".join((chosen.get("c_titre_court") or "").split()) or None
        # A code is named in full; another text by its short title, which has its number and date.
        title = full if nature == "CODE" else short or full
    code = {"id": texte.get("cid") or (chosen.get("id_txt") if chosen is not None else None), "title": title}
    sections = []
    level = texte
    while (level := child(level, "TM")) is not None:
        section = text_of(child(level, "TITRE_TM"))
        if section:
            sections.append(section)
    return code, sections, nature


def _text_version(root: Element, file: str) -> Iterator[Record | InputProblem]:
    rid = text_of(child(root, "META", "META_COMMUN", "ID"))
    nature = text_of(child(root, "META", "META_COMMUN", "NATURE"))
    chronicle = child(root, "META", "META_SPEC", "META_TEXTE_CHRONICLE")
    version = child(root, "META", "META_SPEC", "META_TEXTE_VERSION")
    parts = [_content(root, "VISAS", "CONTENU"), _content(root, "SIGNATAIRES", "CONTENU")]
    text = "\n".join(part for part in parts if part)
    if not rid or not text:
        return  # a text version without text of its own (a code's): structure, counted by the caller
    signed = legi_day(text_of(child(chronicle, "DATE_TEXTE")))
    title = text_of(child(version, "TITREFULL")) or text_of(child(version, "TITRE"))
    meta: dict[str, Any] = {
        "doc_type": normalise_doc_type(nature) or "OTHER",
        "title": title,
        "date": signed,
        "year": int(signed[:4]) if signed else None,
        "date_source": "text_signature" if signed else None,
        "cid": text_of(child(chronicle, "CID")),
        "text_num": text_of(child(chronicle, "NUM")),
        "nor": text_of(child(chronicle, "NOR")),
        "date_signature": signed,
        "date_publication": legi_day(text_of(child(chronicle, "DATE_PUBLI"))),
        "etat": text_of(child(version, "ETAT")),
        "current_version_date": legi_day(text_of(child(version, "DATE_DEBUT"))),
        "date_end": legi_day(text_of(child(version, "DATE_FIN"))),
        "text_nature": nature,
        "part": "visas_signataires",
        "source_format": "dila-xml",
    }
    meta, problems = clean_dates(meta)
    if isinstance(meta.get("title"), str):
        meta = fill_from_title(meta)
    for code, fields in problems:
        yield InputProblem.from_code(file, None, rid, code, **fields)
    yield Record(rid, text, meta, file, None)
