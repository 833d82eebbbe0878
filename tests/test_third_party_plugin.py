"""A third-party plugin, installed for real: examples/gongkai-markdown through pip, found by its entry point.

The distribution is pip-installed into a temporary folder (never into the
venv) and the CLI runs in a subprocess with that folder on PYTHONPATH, so
importlib.metadata finds the new distribution exactly as it would after a
user's ``pip install ./examples/gongkai-markdown``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import gongkai
from gongkai.cli import EXIT_NO_READER, EXIT_OK
from gongkai.plugins import BLOCK_ENV, load_registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gongkai-markdown"
SAMPLE = EXAMPLE / "tests" / "sample-report.md"
EXPECTED = EXAMPLE / "tests" / "sample-report.expected.json"


def gongkai_command() -> list[str]:
    """`python -m gongkai.cli` where the package has a __main__, else the console script beside python."""
    if importlib.util.find_spec("gongkai.cli.__main__") is not None:
        return [sys.executable, "-m", "gongkai.cli"]
    return [str(Path(sys.executable).with_name("gongkai"))]


def _pip_install(source: Path, target: Path, offline: bool) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--quiet",
        "--target",
        str(target),
    ]
    if offline:
        cmd += ["--no-build-isolation", "--no-index"]
    return subprocess.run([*cmd, str(source)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed gongkai-markdown distribution (its package and its .dist-info)."""
    base = tmp_path_factory.mktemp("third_party")
    # Build from a copy: an in-tree build would leave build/ and *.egg-info in examples/.
    source = shutil.copytree(
        EXAMPLE,
        base / "gongkai-markdown",
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
    )
    target = base / "site"
    done = _pip_install(source, target, offline=True)
    if done.returncode != 0 and "bdist_wheel" in done.stdout + done.stderr:
        # setuptools < 70.1 without the `wheel` package cannot build a wheel offline;
        # let pip fetch the build backend into an isolated build environment instead.
        shutil.rmtree(target, ignore_errors=True)
        done = _pip_install(source, target, offline=False)
    if done.returncode != 0:
        pytest.fail(f"pip could not install {EXAMPLE}:\n{done.stdout}\n{done.stderr}")
    assert (target / "gongkai_markdown" / "__init__.py").is_file()
    assert (target / "gongkai_markdown-0.1.0.dist-info" / "entry_points.txt").is_file()
    return target


def run(site: Path, *args: str, cwd: Path, block: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != BLOCK_ENV}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    if block is not None:
        env[BLOCK_ENV] = block
    # cwd is a scratch folder: run from the repo root, `-m` would also see its gongkai.egg-info.
    return subprocess.run([*gongkai_command(), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def plugin_line(listing: str, name: str) -> str:
    lines = [line for line in listing.splitlines() if line.split()[:1] == [name]]
    assert len(lines) == 1, listing
    return lines[0]


def load_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"), parse_float=Decimal)
    return data


def assert_matches_expected(out: dict[str, Any]) -> None:
    expected = load_json(EXPECTED)
    assert out["template"] == expected["template"]
    assert {k: out["meta"].get(k) for k in expected["meta"]} == expected["meta"]
    assert out["tables"] == expected["tables"]
    amount = out["tables"]["active_disclosure"]["fees"]["amount"]
    assert isinstance(amount, Decimal) and str(amount) == "0.85"  # exact, never through a binary float


def test_plugins_lists_the_installed_distribution(site: Path, tmp_path: Path) -> None:
    done = run(site, "plugins", cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    line = plugin_line(done.stdout, "markdown")
    assert "gongkai-markdown 0.1.0" in line
    assert " ok " in line
    assert line.rstrip().endswith("readers: markdown")
    for builtin in ("gongkai.txt", "gongkai.json", "gongkai.templates"):
        assert " ok " in plugin_line(done.stdout, builtin)


def test_convert_markdown_gives_the_expected_figures(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    done = run(site, "convert", str(SAMPLE), "-o", str(out), cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stderr == ""
    data = load_json(out)
    assert_matches_expected(data)
    assert data["source"]["format"] == "markdown"
    assert data["status"] == "ok"
    assert data["meta"]["title"] == "示例区教育局2022年政府信息公开工作年度报告"
    assert data["layouts"]["applications"] == "other_handling_three_rows"
    assert data["findings"] == []
    assert all(tally["failed"] == 0 for tally in data["checks"].values()), data["checks"]


def test_content_sniffing_picks_markdown_without_the_suffix(site: Path, tmp_path: Path) -> None:
    """No suffix: the pipe tables (0.6) beat the text reader's guess for any text (0.5)."""
    plain = tmp_path / "report"
    shutil.copyfile(SAMPLE, plain)
    out = tmp_path / "out.json"
    done = run(site, "convert", str(plain), "-o", str(out), cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    data = load_json(out)
    assert data["source"]["format"] == "markdown"
    assert_matches_expected(data)


def test_blocked_plugin_is_listed_as_blocked_and_not_used(site: Path, tmp_path: Path) -> None:
    listing = run(site, "plugins", cwd=tmp_path, block="markdown")
    assert listing.returncode == EXIT_OK
    line = plugin_line(listing.stdout, "markdown")
    assert "gongkai-markdown 0.1.0" in line and "blocked" in line and "readers" not in line

    out = tmp_path / "out.json"
    asked = run(site, "convert", str(SAMPLE), "--from", "markdown", "-o", str(out), cwd=tmp_path, block="markdown")
    assert asked.returncode == EXIT_NO_READER
    assert "no reader named 'markdown'" in asked.stderr

    # Without --from, the built-in text reader claims the .md file and reads its pipe tables itself.
    guessed = run(site, "convert", str(SAMPLE), "-o", str(out), cwd=tmp_path, block="markdown")
    assert guessed.returncode == EXIT_OK, guessed.stderr
    data = load_json(out)
    assert data["source"]["format"] == "txt"
    assert_matches_expected(data)
    out.unlink()

    none_left = run(site, "convert", str(SAMPLE), "-o", str(out), cwd=tmp_path, block="markdown,gongkai.txt")
    assert none_left.returncode == EXIT_NO_READER
    assert "no installed reader recognises '.md' files" in none_left.stderr
    assert not out.exists()  # no output file from any failed run
    assert "Traceback" not in guessed.stderr + asked.stderr + none_left.stderr


def test_python_api_with_the_installed_module(site: Path) -> None:
    """The same distribution through the Python API: its entry point loaded by `load_registry`."""
    from importlib import metadata

    (dist,) = metadata.distributions(path=[str(site)])
    eps = list(dist.entry_points.select(group="gongkai"))
    assert [(ep.name, ep.value) for ep in eps] == [("markdown", "gongkai_markdown")]
    sys.path.insert(0, str(site))
    try:
        registry = load_registry([*metadata.entry_points(group="gongkai"), *eps])
        info = next(p for p in registry.plugins if p.name == "markdown")
        assert (info.status, info.distribution, info.version) == ("ok", "gongkai-markdown", "0.1.0")
        assert registry.owner("readers", "markdown") == "markdown"
        report = gongkai.convert(SAMPLE, registry=registry)
        layout = registry.readers["markdown"].read(gongkai.Document(SAMPLE.read_bytes(), SAMPLE.name))
    finally:
        sys.path.remove(str(site))
        for name in [m for m in sys.modules if m.startswith("gongkai_markdown")]:
            del sys.modules[name]
    assert report.source.format == "markdown"
    assert report.values() == load_json(EXPECTED)["tables"]
    assert isinstance(layout, gongkai.Layout)
    lines = [block for block in layout.blocks if isinstance(block, gongkai.Line)]
    texts = [[p.text for p in line.cells] for line in lines]
    assert texts[0] == ["示例区教育局2022年政府信息公开工作年度报告"]  # the '#' heading mark is gone
    assert texts[1] == []  # a blank line stays an empty Line
    assert ["一、总体情况"] in texts
    assert ["第二十条第（一）项", "", "", ""] in texts  # empty cells kept
    assert not any(set("".join(t)) <= set("-:| ") and t for t in texts)  # the |---| rows are skipped
    row = next(t for t in texts if t[:1] == ["一、本年新收政府信息公开申请数量"])
    assert row == ["一、本年新收政府信息公开申请数量", "", "", "30", "5", "1", "0", "2", "1", "39"]
    first = next(line for line in lines if line.cells)
    assert first.cells[0].where.line == 1
