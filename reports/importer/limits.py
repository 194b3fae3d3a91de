"""How big a document the importer reads, defined once (no Django: the model imports
ITEM_MAX_LENGTH from here for its field and check constraint).

Real reports are 6–8 KB with 8–16 items of at most about 1,000 characters; the limits are far
above that and far below what would keep a web worker busy for more than a second or two (a
2 MB upload of 5,000 paragraphs parses in about 0.3 s). A .docx is a zip archive: its table of
contents is checked before anything is unpacked, so a small file that would expand to
gigabytes (a "zip bomb") is refused without being read.
"""

ITEM_MAX_LENGTH = 5_000  # characters in one item (paragraph or list entry)
MAX_ITEMS = 1_000  # items in a report, all sections together
MAX_BLOCKS = 5_000  # non-empty paragraphs or lines in a document
MAX_DOCX_PARAGRAPHS = 20_000  # paragraphs of a .docx, empty ones included
MAX_DOCX_MEMBERS = 1_000  # files inside the .docx archive
MAX_DOCX_UNPACKED = 50 * 1024 * 1024  # bytes, all files of the archive unpacked
MAX_DOCX_RATIO = 100  # unpacked / packed size of any file over 1 MB unpacked
