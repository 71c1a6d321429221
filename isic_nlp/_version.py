"""The package version, in a module of its own so that any layer can import it (the package
facade, ``isic_nlp/__init__.py``, imports the pipeline and the analysis)."""

__version__ = "0.1.0"
