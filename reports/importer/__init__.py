"""Pure-Python importer of city report documents (.txt / .docx).

The parser (``parser.py`` and the modules it uses) imports nothing from Django: it turns
a document into plain dataclasses, with line numbers in its errors. ``loader.py`` is the
Django side: it decides what to store, in one transaction.
"""
