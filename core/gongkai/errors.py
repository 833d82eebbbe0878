"""Errors with a one-line cause meant for a person, never a traceback."""


class GongkaiError(Exception):
    """Base class: `str(error)` is the one-line cause."""


class ReadError(GongkaiError):
    """The input could not be read: empty, binary, corrupt, encrypted, truncated, too large."""


class NoReaderError(GongkaiError):
    """No installed reader recognises the input."""


class NotAReportError(GongkaiError):
    """The input was read, but none of the report's tables were found in it."""


class WriteError(GongkaiError):
    """No writer for the requested output, or the output could not be written."""
