"""pdfminer's interpreter and pdfplumber's device, counting what a page asks of them (the pdfplumber engine).

The counts and their limits are `gongkai_pdf.limits`; this is where
pdfminer's drawing of a page meets them, operator by operator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pdfminer.pdfinterp import PDFPageInterpreter, PDFStackT
from pdfminer.pdftypes import PDFStream, resolve1
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from gongkai_pdf.limits import Budget, font_streams


class BoundedInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter, counting what the page asks of it against the `Budget`."""

    budget: Budget

    def dup(self) -> PDFPageInterpreter:
        interpreter = type(self)(self.rsrcmgr, self.device)  # a subclass draws its forms as itself
        interpreter.budget = self.budget
        return interpreter

    def init_resources(self, resources: dict[object, object]) -> None:
        if resources:
            for stream, what in font_streams(resources):
                self.budget.font(stream, what)
        super().init_resources(resources)

    def execute(self, streams: Any) -> None:
        for obj in streams if isinstance(streams, list | tuple) else (streams,):
            stream = resolve1(obj)
            if isinstance(stream, PDFStream):
                self.budget.content(stream)
        super().execute(streams)

    def push(self, obj: PDFStackT) -> None:
        self.budget.operation()
        super().push(obj)

    def pop(self, n: int) -> list[PDFStackT]:
        if n:
            self.budget.operation()  # an operator taking operands
        return super().pop(n)

    def do_q(self) -> None:
        self.budget.operation()
        self.budget.saved_states(len(self.gstack) + 1)
        super().do_q()

    def do_Do(self, xobjid_arg: PDFStackT) -> None:  # noqa: N802 (pdfminer's name for the operator)
        budget = self.budget
        budget.xobject()
        budget.nested(budget.depth)
        budget.depth += 1
        try:
            super().do_Do(xobjid_arg)
        finally:
            budget.depth -= 1


def _counting(name: str, operator: Callable[[PDFPageInterpreter], None]) -> Callable[[BoundedInterpreter], None]:
    def counted(self: BoundedInterpreter) -> None:
        self.budget.operation()
        operator(self)

    counted.__name__ = name
    return counted


# Operators without operands never pass through `pop`: each is counted on its own. pdfminer calls an
# operator with as many operands as its method has parameters, so the wrapper takes none either.
for _name, _operator in list(vars(PDFPageInterpreter).items()):
    if (
        _name.startswith("do_")
        and _name not in vars(BoundedInterpreter)
        and callable(_operator)
        and getattr(getattr(_operator, "__code__", None), "co_argcount", 0) == 1
    ):
        setattr(BoundedInterpreter, _name, _counting(_name, _operator))


class CountingDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, counting the characters and paths it makes."""

    budget: Budget

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.budget.char()
        return float(super().render_char(*args, **kwargs))

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self.budget.path()
        super().paint_path(*args, **kwargs)


def interpret(
    page: Any,
    budget: Budget,
    device_class: type[CountingDevice] = CountingDevice,
    interpreter_class: type[BoundedInterpreter] = BoundedInterpreter,
) -> CountingDevice:
    """Build pdfplumber's layout of `page` (what `page.objects` reads) under the budget; the device used.

    pdfplumber's `Page.layout` runs pdfminer's interpreter with no limit and
    keeps the result in `page._layout`; this runs the counting interpreter
    the same way and leaves its result there, so that `page.objects` uses it.
    """
    budget.start_page(page.page_number)
    device = device_class(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    device.budget = budget
    interpreter = interpreter_class(page.pdf.rsrcmgr, device)
    interpreter.budget = budget
    interpreter.process_page(page.page_obj)
    page._layout = device.get_result()
    return device
