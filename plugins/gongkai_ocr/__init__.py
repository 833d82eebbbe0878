"""OCR of scanned pages, a built-in plugin (entry point "gongkai.ocr"), installed with ``pip install 'gongkai[ocr]'``.

It contributes OCR engines (`gongkai_ocr_engines`): "rapidocr", the
default (RapidOCR on ONNX Runtime, the PP-OCRv4 Chinese models inside its
wheel), and "tesseract" where the ``tesseract`` program is installed
(Debian's ``tesseract-ocr`` with ``tesseract-ocr-chi-sim``). Each turns a picture of a page into
what a text layer gives: runs of text with their boxes and confidences,
and the ruling lines (`gongkai_ocr.engine`). Readers hand them the pages
that have no usable text layer. The libraries load at the first page read.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec

from gongkai.hookspecs import hookimpl
from gongkai.ocr import OcrEngine, OcrPage, PageImage

__all__ = ["Engine", "gongkai_ocr_engines"]

LIBRARIES = ("numpy", "cv2", "PIL", "rapidocr_onnxruntime")
TESSERACT = "tesseract"  # the program, where Debian's tesseract-ocr is installed


@dataclass(frozen=True)
class Engine:
    """An `OcrEngine` whose recogniser is the function `recognise` of the module `module`, imported (with
    numpy, OpenCV and the models) at the first page."""

    name: str
    module: str

    def read(self, image: PageImage) -> list[OcrPage]:
        from gongkai_ocr.engine import read

        return read(image, importlib.import_module(self.module).recognise)


@hookimpl
def gongkai_ocr_engines(register: Callable[[OcrEngine], None]) -> None:
    for library in LIBRARIES:  # loaded at the first page: if missing, the plugin is listed broken, saying which
        if find_spec(library) is None:
            raise ModuleNotFoundError(f"No module named {library!r} (pip install 'gongkai[ocr]')")
    register(Engine("rapidocr", "gongkai_ocr.rapid"))
    if shutil.which(TESSERACT):  # its languages are checked at the first page: a run costs 20 ms
        register(Engine("tesseract", "gongkai_ocr.tesseract"))
