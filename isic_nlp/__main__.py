"""``python -m isic_nlp ...`` is the ``isic-nlp`` command (for environments without the console script)."""

from isic_nlp.cli import main

if __name__ == "__main__":
    main()
