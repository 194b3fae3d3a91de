"""Pure-Python importer of city report documents (.txt / .docx).

Nothing in this package imports Django: the parser turns a document into plain
dataclasses (see ``parser.py``), and the Django side decides what to store.
"""
