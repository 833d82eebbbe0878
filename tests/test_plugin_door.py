"""The plugin door: one plugin's mistake never reaches the others, blocking works, every hook is documented.

(a) in-process plugins through `Registry.add_plugin`; (b) fake installed
distributions (a ``NAME-1.0.dist-info`` folder on PYTHONPATH) loaded by the
real CLI in a subprocess; (c) blocking the built-ins with
GONGKAI_BLOCK_PLUGINS; (d) every hook has a docstring and a test.

The tests at the end of (a) pin holes found while writing these (a name
posing as built-in, a shadowed entry point, sys.exit on import, a raising
sniff, a registered object that is no Reader), closed since.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import gongkai
from conftest import make_dist
from gongkai import hookimpl, hookspecs
from gongkai.cli import EXIT_FAILED, EXIT_NO_READER, EXIT_OK, EXIT_USAGE
from gongkai.plugins import BLOCK_ENV, PluginInfo, Registry, load_registry

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SEED = ROOT / "fixtures" / "seeds" / "000_7f7eec68afa50aac.txt"
EXPECTED = ROOT / "fixtures" / "expected" / "000_7f7eec68afa50aac.json"
TEMPLATES = ROOT / "core" / "gongkai" / "templates"


# ---------------------------------------------------------------- helpers


class FakeReader:
    def __init__(self, name: str, sniff: Callable[[bytes, str | None], float] | None = None) -> None:
        self.name = name
        self.extensions: tuple[str, ...] = (f".{name}",)
        self._sniff = sniff

    def sniff(self, head: bytes, name: str | None) -> float:
        return self._sniff(head, name) if self._sniff else 0.0

    def read(self, doc: gongkai.Document) -> gongkai.Layout:
        raise gongkai.ReadError("a fake reader reads nothing")


class FakeWriter:
    many = True

    def __init__(self, name: str) -> None:
        self.name = name
        self.extensions: tuple[str, ...] = (f".{name}",)

    def write(self, reports: Any, out: Any, options: Any) -> None:
        out.write(b"%d\n" % sum(1 for _ in reports))


def plugin(**hooks: Callable[..., None]) -> SimpleNamespace:
    """A plugin object with the given hook implementations (plain functions taking `register`)."""
    return SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The built-ins as installed, nothing blocked."""
    monkeypatch.delenv(BLOCK_ENV, raising=False)
    return load_registry()


def snapshot(reg: Registry) -> tuple[list[str], list[str], list[str]]:
    return list(reg.readers), list(reg.writers), list(reg.templates)


def site_entry_points(site: Path) -> list[metadata.EntryPoint]:
    return [ep for d in metadata.distributions(path=[str(site)]) for ep in d.entry_points.select(group="gongkai")]


def builtin_entry_points() -> list[metadata.EntryPoint]:
    return [ep for ep in metadata.entry_points(group="gongkai") if ep.dist is not None and ep.dist.name == "gongkai"]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder for fake distributions, importable in this process; their modules are forgotten afterwards."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delenv(BLOCK_ENV, raising=False)
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        if getattr(sys.modules[name], "__file__", None) and str(folder) in str(sys.modules[name].__file__):
            del sys.modules[name]


def info(reg: Registry, name: str) -> PluginInfo:
    (found,) = [p for p in reg.plugins if p.name == name]
    return found


def gongkai_command() -> list[str]:
    """`python -m gongkai.cli` where the package has a __main__, else the console script beside python."""
    if importlib.util.find_spec("gongkai.cli.__main__") is not None:
        return [sys.executable, "-m", "gongkai.cli"]
    return [str(Path(sys.executable).with_name("gongkai"))]


def cli(
    *args: str, cwd: Path, pythonpath: Path | None = None, block: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != BLOCK_ENV}
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(pythonpath), env.get("PYTHONPATH")) if p)
    if block is not None:
        env[BLOCK_ENV] = block
    return subprocess.run([*gongkai_command(), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def listed(stdout: str, name: str) -> str:
    (line,) = [line for line in stdout.splitlines() if line.split()[:1] == [name]]
    return line


def assert_seed_converted(out: Path) -> None:
    data = json.loads(out.read_text("utf-8"), parse_float=Decimal)
    expected = json.loads(EXPECTED.read_text("utf-8"), parse_float=Decimal)
    assert data["template"] == expected["template"]
    assert {k: data["meta"].get(k) for k in expected["meta"]} == expected["meta"]
    assert data["tables"] == expected["tables"]


# ---------------------------------------------------------------- (a) in-process plugins


def test_owner_says_who_gave_what(registry: Registry, tmp_path: Path) -> None:
    assert registry.owner("readers", "txt") == "gongkai.txt"
    assert registry.owner("writers", "json") == registry.owner("writers", "jsonl") == "gongkai.json"
    assert registry.owner("templates", "gov-2019") == registry.owner("templates", "gov-2021") == "gongkai.templates"
    assert registry.owner("readers", "json") is None  # json is a writer's name, not a reader's
    assert registry.owner("readers", "nothing") is None

    # A third party's own template, made the way the docs say: a TOML file through load_template.
    folder = shutil.copytree(TEMPLATES, tmp_path / "templates")
    toml = folder / "gov-2021.toml"
    toml.write_text(toml.read_text("utf-8").replace('id = "gov-2021"', 'id = "example-province"', 1), "utf-8")

    def gongkai_templates(register: Callable[[gongkai.Template], None]) -> None:
        register(gongkai.load_template(toml))

    def gongkai_readers(register: Callable[[Any], None]) -> None:
        register(FakeReader("fake"))

    def gongkai_writers(register: Callable[[Any], None]) -> None:
        register(FakeWriter("count"))

    added = registry.add_plugin(
        plugin(
            gongkai_templates=gongkai_templates,
            gongkai_readers=gongkai_readers,
            gongkai_writers=gongkai_writers,
        ),
        "example.all",
        "example",
        "1.0",
    )
    assert (added.status, added.error) == ("ok", None)
    assert added.provides == {"readers": ["fake"], "writers": ["count"], "templates": ["example-province"]}
    assert registry.owner("templates", "example-province") == "example.all"
    assert registry.owner("readers", "fake") == registry.owner("writers", "count") == "example.all"
    assert registry.templates["example-province"].id == "example-province"


def test_duplicate_reader_name_is_broken_and_names_the_owner(registry: Registry) -> None:
    before = snapshot(registry)

    def gongkai_readers(register: Callable[[Any], None]) -> None:
        register(FakeReader("fresh"))  # registered first, must not survive the duplicate below
        register(FakeReader("txt"))

    taken = registry.add_plugin(plugin(gongkai_readers=gongkai_readers), "third.party")
    assert taken.status == "broken"
    assert taken.error == "ValueError: reader 'txt' is already provided by gongkai.txt"
    assert taken.provides == {}
    assert snapshot(registry) == before
    assert registry.owner("readers", "fresh") is None
    assert registry.readers["txt"].__class__.__module__ == "gongkai_txt.reader"  # the built-in still serves
    assert info(registry, "gongkai.txt").status == "ok"


def test_a_duplicate_in_a_later_hook_rolls_back_the_earlier_hooks(registry: Registry) -> None:
    """All or nothing across kinds: readers registered before a duplicate writer are removed too."""
    before = snapshot(registry)

    def gongkai_readers(register: Callable[[Any], None]) -> None:
        register(FakeReader("early"))

    def gongkai_writers(register: Callable[[Any], None]) -> None:
        register(FakeWriter("csv-lite"))
        register(FakeWriter("jsonl"))

    half = registry.add_plugin(plugin(gongkai_readers=gongkai_readers, gongkai_writers=gongkai_writers), "half")
    assert (half.status, half.error) == (
        "broken",
        "ValueError: writer 'jsonl' is already provided by gongkai.json",
    )
    assert half.provides == {}
    assert snapshot(registry) == before
    assert registry.owner("readers", "early") is None and registry.owner("writers", "csv-lite") is None

    # The names the broken plugin tried are free again for the next plugin.
    again = registry.add_plugin(plugin(gongkai_readers=gongkai_readers), "later")
    assert again.status == "ok" and registry.owner("readers", "early") == "later"


def test_duplicate_template_id_is_broken(registry: Registry) -> None:
    def gongkai_templates(register: Callable[[gongkai.Template], None]) -> None:
        register(gongkai.load_template(TEMPLATES / "gov-2021.toml"))

    copy = registry.add_plugin(plugin(gongkai_templates=gongkai_templates), "copycat")
    assert copy.status == "broken"
    assert copy.error == "ValueError: template 'gov-2021' is already provided by gongkai.templates"


def test_a_hook_that_raises_breaks_only_its_plugin(registry: Registry) -> None:
    def fine(register: Callable[[Any], None]) -> None:
        register(FakeReader("one"))

    def boom(register: Callable[[Any], None]) -> None:
        register(FakeReader("two"))
        raise RuntimeError("the vendor library is missing\n  (second line of the message)")

    def also_fine(register: Callable[[Any], None]) -> None:
        register(FakeWriter("three"))

    first = registry.add_plugin(plugin(gongkai_readers=fine), "first")
    broken = registry.add_plugin(plugin(gongkai_readers=boom), "raiser")
    last = registry.add_plugin(plugin(gongkai_writers=also_fine), "last")
    assert (first.status, last.status) == ("ok", "ok")
    assert broken.status == "broken"
    assert broken.error == "RuntimeError: the vendor library is missing (second line of the message)"  # one line
    assert "two" not in registry.readers and "one" in registry.readers and "three" in registry.writers
    assert [p.name for p in registry.plugins][-3:] == ["first", "raiser", "last"]


def test_a_misspelled_hook_is_broken_by_check_pending(registry: Registry) -> None:
    class Misspelled:
        @hookimpl
        def gongkai_reader(self, register: Callable[[Any], None]) -> None:  # the spec is gongkai_readers
            register(FakeReader("never"))

        @hookimpl
        def gongkai_writers(self, register: Callable[[Any], None]) -> None:  # right, but the plugin is refused whole
            register(FakeWriter("never"))

    before = snapshot(registry)
    bad = registry.add_plugin(Misspelled(), "typo")
    assert bad.status == "broken"
    assert bad.error is not None and bad.error.startswith("PluginValidationError: unknown hook 'gongkai_reader'")
    assert snapshot(registry) == before and bad.provides == {}


def test_bad_hook_signatures_and_nameless_things_are_broken(registry: Registry) -> None:
    def wrong_arg(reg: Callable[[Any], None]) -> None:
        reg(FakeReader("x"))

    def no_arg() -> None:
        return None

    def nameless(register: Callable[[Any], None]) -> None:
        register(SimpleNamespace(name=""))

    a = registry.add_plugin(plugin(gongkai_readers=wrong_arg), "wrong-arg")
    b = registry.add_plugin(plugin(gongkai_writers=no_arg), "no-arg")
    c = registry.add_plugin(plugin(gongkai_readers=nameless), "nameless")
    assert a.status == b.status == c.status == "broken"
    assert a.error is not None and "{'reg'}" in a.error and "can not be found in the hookspec" in a.error
    assert b.error is not None and b.error.startswith("TypeError: ")
    assert b.error.endswith("no_arg() got an unexpected keyword argument 'register'")
    assert c.error == "TypeError: namespace(name='') is not a Reader"


def test_builtins_load_before_a_third_party_that_sorts_first(site: Path) -> None:
    """A third party named 'aaa' is loaded after the built-ins, so it cannot take 'txt' from them."""
    make_dist(site, "door-aaa", {"aaa": "door_aaa"}, {"door_aaa": _READER_NAMED_TXT})
    reg = load_registry([*site_entry_points(site), *builtin_entry_points()])
    names = [p.name for p in reg.plugins]
    assert names[-1] == "aaa" and all(n.startswith("gongkai.") for n in names[:-1])
    assert info(reg, "gongkai.txt").status == "ok"
    aaa = info(reg, "aaa")
    assert (aaa.status, aaa.distribution, aaa.version) == ("broken", "door-aaa", "1.0")
    assert aaa.error == "ValueError: reader 'txt' is already provided by gongkai.txt"


_READER_NAMED_TXT = """
from gongkai import hookimpl

class Reader:
    name = "txt"
    extensions = (".txt",)
    def sniff(self, head, name):
        return 0.0
    def read(self, doc):
        raise RuntimeError("not a real reader")

@hookimpl
def gongkai_readers(register):
    register(Reader())
"""


def test_a_third_party_cannot_pose_as_builtin_by_its_entry_point_name(site: Path) -> None:
    # 'gongkai.aaa' from another distribution sorts ahead of 'gongkai.txt' among the "built-ins",
    # takes the reader name 'txt', and the real built-in text reader is reported broken.
    make_dist(site, "door-prefix", {"gongkai.aaa": "door_prefix"}, {"door_prefix": _READER_NAMED_TXT})
    reg = load_registry([*builtin_entry_points(), *site_entry_points(site)])
    assert info(reg, "gongkai.txt").status == "ok"
    assert info(reg, "gongkai.aaa").status == "broken"


def test_an_entry_point_name_reused_by_another_distribution_is_reported(site: Path) -> None:
    # A distribution earlier on sys.path (PYTHONPATH comes before site-packages) that names its entry
    # point 'gongkai.txt' replaces the built-in text reader: the built-in is skipped silently.
    make_dist(site, "door-shadow", {"gongkai.txt": "door_shadow"}, {"door_shadow": "x = 1\n"})
    reg = load_registry([*site_entry_points(site), *builtin_entry_points()])
    assert "txt" in reg.readers
    assert any(p.distribution == "door-shadow" and p.status == "broken" for p in reg.plugins)


def test_a_plugin_exiting_on_import_is_broken_not_fatal(site: Path) -> None:
    make_dist(site, "door-exit", {"exiter": "door_exit"}, {"door_exit": "import sys\nsys.exit(5)\n"})
    reg = load_registry([*builtin_entry_points(), *site_entry_points(site)])
    assert info(reg, "exiter").status == "broken"
    assert "txt" in reg.readers


def test_a_reader_whose_sniff_raises_does_not_stop_other_conversions(registry: Registry) -> None:
    def gongkai_readers(register: Callable[[Any], None]) -> None:
        register(FakeReader("buggy", sniff=lambda head, name: _raise()))

    assert registry.add_plugin(plugin(gongkai_readers=gongkai_readers), "buggy").status == "ok"
    report = gongkai.convert(SEED, registry=registry)  # a .txt file the built-in reader handles
    assert report.source.format == "txt"


def _raise() -> float:
    raise RuntimeError("bug in a third-party sniff")


def test_a_registered_object_that_is_not_a_reader_is_refused(registry: Registry) -> None:
    def gongkai_readers(register: Callable[[Any], None]) -> None:
        register(SimpleNamespace(name="half-a-reader"))  # no extensions, sniff or read

    assert registry.add_plugin(plugin(gongkai_readers=gongkai_readers), "half").status == "broken"


# ---------------------------------------------------------------- (b) fake installed distributions, real CLI

_WORKING = """
from gongkai import hookimpl

class CountWriter:
    name = "count"
    extensions = (".count",)
    many = True
    def write(self, reports, out, options):
        out.write(b"%d reports\\n" % sum(1 for _ in reports))

@hookimpl
def gongkai_writers(register):
    register(CountWriter())
"""


def test_broken_distributions_are_listed_and_the_rest_still_convert(tmp_path: Path) -> None:
    site = tmp_path / "site"
    make_dist(
        site,
        "door-broken",
        {"broken": "door_broken"},
        {"door_broken": 'raise ImportError("needs libofd, which is not installed")\n'},
    )
    make_dist(site, "door-missing", {"missing": "door_nowhere_to_be_found"}, {})
    make_dist(
        site,
        "door-typo",
        {"typo": "door_typo"},
        {"door_typo": "from gongkai import hookimpl\n@hookimpl\ndef gongkai_reader(register):\n    pass\n"},
    )
    make_dist(site, "door-working", {"working": "door_working"}, {"door_working": _WORKING})

    listing = cli("plugins", cwd=tmp_path, pythonpath=site)
    assert listing.returncode == EXIT_OK, listing.stderr
    assert listing.stderr == ""
    broken = listed(listing.stdout, "broken")
    assert "door-broken 1.0" in broken
    assert "broken (ImportError: needs libofd, which is not installed)" in broken
    missing = listed(listing.stdout, "missing")
    assert "broken (ModuleNotFoundError: No module named 'door_nowhere_to_be_found')" in missing
    assert "broken (PluginValidationError: unknown hook 'gongkai_reader'" in listed(listing.stdout, "typo")
    working = listed(listing.stdout, "working")
    assert "door-working 1.0" in working and " ok " in working and working.rstrip().endswith("writers: count")
    for builtin in ("gongkai.txt", "gongkai.json", "gongkai.templates"):
        assert " ok " in listed(listing.stdout, builtin)

    out = tmp_path / "out.json"
    done = cli("convert", str(SEED), "-o", str(out), cwd=tmp_path, pythonpath=site)
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stderr == ""  # broken plugins are for `gongkai plugins` to show, not noise on every run
    assert_seed_converted(out)

    counted = tmp_path / "out.count"
    done = cli("convert", str(SEED), "-o", str(counted), cwd=tmp_path, pythonpath=site)
    assert done.returncode == EXIT_OK, done.stderr
    assert counted.read_text() == "1 reports\n"  # the working third-party writer, picked by its extension


# ---------------------------------------------------------------- (c) blocking


def test_blocking_the_text_reader(tmp_path: Path) -> None:
    listing = cli("plugins", cwd=tmp_path, block="gongkai.txt")
    line = listed(listing.stdout, "gongkai.txt")
    assert f"blocked (blocked by {BLOCK_ENV})" in line and "readers" not in line
    assert " ok " in listed(listing.stdout, "gongkai.json")

    out = tmp_path / "out.json"
    done = cli("convert", str(SEED), "-o", str(out), cwd=tmp_path, block="gongkai.txt")
    assert done.returncode == EXIT_NO_READER
    assert done.stderr == f"gongkai: {SEED}: no installed reader recognises '.txt' files\n"
    assert not out.exists()


def test_blocking_the_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No template at all: the CLI says so and names the likely cause (exit 1)."""
    listing = cli("plugins", cwd=tmp_path, block="gongkai.templates")
    assert "blocked" in listed(listing.stdout, "gongkai.templates")

    out = tmp_path / "out.json"
    done = cli("convert", str(SEED), "-o", str(out), cwd=tmp_path, block="gongkai.templates")
    assert done.returncode == EXIT_FAILED
    assert done.stderr == (
        f"gongkai: {SEED}: no template is installed (is gongkai.templates blocked in GONGKAI_BLOCK_PLUGINS?)\n"
    )
    assert "Traceback" not in done.stderr and not out.exists()

    # The Python API keeps the real reason.
    monkeypatch.setenv(BLOCK_ENV, " gongkai.templates , ")
    reg = load_registry()
    assert reg.templates == {} and "txt" in reg.readers
    report = gongkai.convert(SEED, registry=reg)
    assert (report.template, report.status, report.tables) == (None, "no_tables", {})
    assert report.template_reason == "no template is installed"
    assert report.meta.year == 2021  # the reader and the metadata still work


def test_blocking_several_and_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_ENV, "gongkai.txt, gongkai.json,not-installed")
    reg = load_registry()
    status = {p.name: p.status for p in reg.plugins}
    assert status["gongkai.json"] == status["gongkai.txt"] == "blocked"
    assert all(s == "ok" for name, s in status.items() if name not in ("gongkai.json", "gongkai.txt"))
    assert "txt" not in reg.readers and not {"json", "jsonl"} & set(reg.writers)

    done = cli("convert", str(SEED), "-o", str(tmp_path / "out.json"), cwd=tmp_path, block="gongkai.json")
    assert done.returncode == EXIT_USAGE
    assert "no writer for" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- (d) every hook documented and tested


def _hooks() -> dict[str, Callable[..., Any]]:
    marker = f"{hookspecs.PROJECT}_spec"
    return {name: fn for name, fn in vars(hookspecs).items() if callable(fn) and hasattr(fn, marker)}


def test_every_hook_is_documented_and_exercised_by_a_test() -> None:
    hooks = _hooks()
    assert len(hooks) >= 3, "the hook specs were not found: did the marker name change?"
    sources = {path.name: path.read_text("utf-8") for path in sorted(TESTS.rglob("*.py"))}
    for name, fn in hooks.items():
        doc = inspect.getdoc(fn) or ""
        assert len(doc) >= 20, f"hook {name} has no docstring in hookspecs.py"
        assert "register" in inspect.signature(fn).parameters, name
        # A test implements the hook (def name(...)) or calls it; the bare name in prose does not count.
        used = re.compile(rf"\b{re.escape(name)}\s*[(=]")
        users = [file for file, text in sources.items() if used.search(text)]
        assert users, f"hook {name} is not exercised by any test in tests/"
