"""The embedded demo corpus and corpus manifests (installed as ``isic_nlp.corpora``)."""
