"""gongkai: annual reports on government information disclosure (政府信息公开工作年度报告) as data."""

from gongkai.api import Result, convert, convert_many, dumps, writer_for
from gongkai.errors import GongkaiError, NoReaderError, NotAReportError, ReadError, WriteError
from gongkai.hookspecs import Document, Reader, Writer, hookimpl
from gongkai.layout import Grid, GridCell, Layout, Line, Piece
from gongkai.model import Cell, Finding, Meta, Report, Source, Where
from gongkai.template import Template, load_template

__version__ = "0.1.0"
__all__ = [
    "Cell",
    "Document",
    "Finding",
    "GongkaiError",
    "Grid",
    "GridCell",
    "Layout",
    "Line",
    "Meta",
    "NoReaderError",
    "NotAReportError",
    "Piece",
    "ReadError",
    "Reader",
    "Report",
    "Result",
    "Source",
    "Template",
    "Where",
    "WriteError",
    "Writer",
    "convert",
    "convert_many",
    "dumps",
    "hookimpl",
    "load_template",
    "writer_for",
]
