"""The Tesseract OCR engine: the `tesseract` command, run on each page, its TSV output turned into runs of text.

Tesseract gives word boxes in lines; words of one line close enough
together are joined into one `OcrText`, the way a text layer gives a run
of text, and words far apart (table cells side by side) stay separate.
It needs the `tesseract` program (5.x) with the `chi_sim` language data
(Debian: ``apt-get install tesseract-ocr tesseract-ocr-chi-sim``).

It reads an upright grey page (`recognise`): decoding the picture,
turning, straightening and the rules are `gongkai_ocr.engine`'s, as for
every engine. Tesseract reads fewer table figures right than RapidOCR
(benchmarks/ocr_speed.py) and is not the default: ``-R ocr=tesseract``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from gongkai.errors import ReadError
from gongkai.ocr import OcrText, estimated_spans

TESSERACT = "tesseract"
LANGUAGES = "chi_sim+eng"
# A single column of text of variable sizes: of psm 3, 4, 6, 11 and 12, measured (benchmarks/ocr_speed.py)
# to read the most table numbers, with psm 3 (automatic layout) and a little faster. Sparse text (11, 12) drops
# half the one-digit cells; a uniform block (6) misreads ruled tables.
PSM = 4
# One A4 page at 200 dpi takes 2-3 s on one core: a page twenty times that is stuck, not busy (and within the
# minute a batch gives each page read by OCR, `gongkai.ocr.OCR_PAGE_SECONDS`).
TESSERACT_TIMEOUT_S = 50.0
# Words of one line closer than this many line heights are one run of text; farther apart, separate cells.
JOIN_GAP = 0.6

# What tesseract reads a vertical rule crossing a line as: no character of the text, the edge of a cell.
RULE_GLYPHS = "|｜"

PR_SET_PDEATHSIG = 1  # prctl(2)
_FAILED_LANGUAGE = re.compile(r"Failed loading language '([^']+)'")


def _environment() -> dict[str, str]:
    # Tesseract's OpenMP threads spin against each other: measured 2.3 s wall on one thread against 6.2 s on
    # two cores for the same page, with the same output. The caller's own limit is kept.
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def available(command: str = TESSERACT, languages: str = LANGUAGES) -> str | None:
    """None when `tesseract` runs and has the languages it needs, else the one-line reason."""
    try:
        done = subprocess.run(
            [command, "--list-langs"],
            capture_output=True,
            timeout=TESSERACT_TIMEOUT_S,
            env=_environment(),
            check=False,
        )
    except FileNotFoundError:
        return f"the {command} program is not installed"
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"the {command} program does not run: {error}"
    if done.returncode != 0:
        return f"the {command} program does not run: {_last_line(done.stderr)}"
    # A header line naming the data directory ("List of available languages in ..."), then one language a line;
    # tesseract 4 wrote them to stderr.
    output = (done.stdout + b"\n" + done.stderr).decode("utf-8", "replace").splitlines()
    installed = {line.strip() for line in output if line.strip() and "available languages" not in line}
    missing = [language for language in languages.split("+") if language not in installed]
    if missing:
        return _no_language(command, missing)
    return None


@dataclass(frozen=True)
class _Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float


def recognise(grey: np.ndarray, dpi: float) -> list[OcrText]:
    """What tesseract reads on an upright grey page (rows by columns of 8-bit pixels)."""
    with tempfile.TemporaryDirectory(prefix="gongkai-tesseract-") as directory:
        path = Path(directory) / "page.png"
        # Written with its resolution, and told it, so that tesseract does not guess one from the size.
        Image.fromarray(grey, "L").save(path, format="PNG", dpi=(dpi, dpi), compress_level=1)
        return pieces(_run(path, dpi))


def _run(path: Path, dpi: float, command: str = TESSERACT, languages: str = LANGUAGES, psm: int = PSM) -> str:
    arguments = [command, str(path), "stdout", "-l", languages, "--psm", str(psm), "--dpi", str(round(dpi)), "tsv"]
    try:
        done = subprocess.run(
            arguments, capture_output=True, timeout=TESSERACT_TIMEOUT_S, env=_environment(), preexec_fn=_die_with_parent
        )
    except FileNotFoundError:
        raise ReadError(f"OCR needs the {command} program, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise ReadError(f"{command} took more than {TESSERACT_TIMEOUT_S:g} s over one page") from None
    except OSError as error:
        raise ReadError(f"the {command} program does not run: {error}") from None
    stderr = done.stderr.decode("utf-8", "replace")
    # A missing language is only a warning while another one loads (exit status 0): chi_sim+eng without
    # chi_sim reads Chinese as Latin letters, so it is an error all the same.
    missing = _FAILED_LANGUAGE.findall(stderr)
    if missing:
        raise ReadError(_no_language(command, missing))
    if done.returncode != 0:
        raise ReadError(f"{command} could not read the picture: {_last_line(done.stderr)}")
    return done.stdout.decode("utf-8", "replace")


def _die_with_parent() -> None:
    """In the child, before tesseract starts: killed with the worker that started it (Linux), not orphaned."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the timeout still bounds it
        pass


def _no_language(command: str, missing: list[str]) -> str:
    package = "tesseract-ocr-" + missing[0].replace("_", "-")
    return f"{command} has no {'+'.join(missing)} language data (Debian's {package})"


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def pieces(tsv: str) -> list[OcrText]:
    """Tesseract's TSV output as runs of text: the words of each line, joined where close together."""
    lines: dict[tuple[str, ...], list[_Word | None]] = {}
    heights: dict[tuple[str, ...], float] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] not in ("4", "5"):
            continue
        try:
            left, top, width, height = (float(cell) for cell in cells[6:10])
            confidence = float(cells[10])
        except ValueError:
            continue
        key = tuple(cells[1:5])  # page, block, paragraph, line
        if cells[0] == "4":
            heights[key] = height
            continue
        text = "\t".join(cells[11:]).strip()
        if text:
            word = _Word(text, left, top, left + width, top + height, max(0.0, min(1.0, confidence / 100.0)))
            lines.setdefault(key, []).extend(_without_rules(word))
    texts = []
    for key, parts in lines.items():
        words = [word for word in parts if word is not None]
        if not words:
            continue
        line_height = heights.get(key) or max(word.bottom - word.top for word in words)
        run: list[_Word] = []
        for part in parts:  # in tesseract's reading order, left to right
            if run and (part is None or part.left - run[-1].right >= JOIN_GAP * line_height):
                texts.append(_piece(run))
                run = []
            if part is not None:
                run.append(part)
        if run:
            texts.append(_piece(run))
    return texts


def _without_rules(word: _Word) -> list[_Word | None]:
    """The word cut at the `|` tesseract reads a vertical rule as (None where one was): a table's rule between
    two cells of one line is no character of either, and keeps them apart."""
    if not any(character in RULE_GLYPHS for character in word.text):
        return [word]
    parts: list[_Word | None] = []
    edges = _edges(word)
    start = 0
    cuts = [k for k, character in enumerate(word.text) if character in RULE_GLYPHS]
    for end in [*cuts, len(word.text)]:
        text = word.text[start:end].strip()
        if text:
            first = start + word.text[start:end].index(text)
            last = first + len(text) - 1
            parts.append(_Word(text, edges[first][0], word.top, edges[last][1], word.bottom, word.confidence))
        if end < len(word.text):
            parts.append(None)
        start = end + 1
    return parts


def _piece(words: list[_Word]) -> OcrText:
    text = ""
    spans: list[tuple[float, float]] = []
    for index, word in enumerate(words):
        if index and text[-1].isascii() and word.text[0].isascii():
            # Tesseract cuts Latin words at spaces: the space was there. Chinese has none between its words.
            text += " "
        text += word.text
        spans += _spans(word)
    # One span and one confidence for each character but spaces, as the contract has them.
    confidences = [word.confidence for word in words for character in word.text if not character.isspace()]
    box = (
        min(word.left for word in words),
        min(word.top for word in words),
        max(word.right for word in words),
        max(word.bottom for word in words),
    )
    return OcrText(text, box, min(confidences), tuple(spans), tuple(confidences))


def _spans(word: _Word) -> list[tuple[float, float]]:
    """The left and right edges of the word's characters but spaces."""
    return [edges for character, edges in zip(word.text, _edges(word), strict=True) if not character.isspace()]


def _edges(word: _Word) -> list[tuple[float, float]]:
    # Estimated, not measured: tesseract gives word boxes only.
    return estimated_spans(word.text, word.left, word.right)
