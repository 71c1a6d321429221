"""spaCy pipeline configs shipped with isic_nlp (installed as ``isic_nlp.pipeline_configs``)."""
