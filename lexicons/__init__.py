"""Lexicon files shipped with isic_nlp (installed as ``isic_nlp.lexicon_files``)."""
