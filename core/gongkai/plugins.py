"""Loading plugins: entry points one by one, isolation, blocking, and who gave what.

A plugin that fails to import, implements an unknown hook, raises in a hook
or tries a name another plugin already has is reported as broken and
skipped; the rest load as usual. Built-ins load first, so a third party
cannot take a built-in's name by sorting ahead of it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from gongkai import hookspecs
from gongkai.hookspecs import Reader, Writer
from gongkai.ocr import OcrEngine
from gongkai.template import Template

BLOCK_ENV = "GONGKAI_BLOCK_PLUGINS"
BUILTIN_PREFIX = "gongkai."
KINDS = {
    "readers": "gongkai_readers",
    "writers": "gongkai_writers",
    "templates": "gongkai_templates",
    "ocr_engines": "gongkai_ocr_engines",
}
CONTRACTS: dict[str, type] = {"readers": Reader, "writers": Writer, "templates": Template, "ocr_engines": OcrEngine}


@dataclass
class PluginInfo:
    name: str
    distribution: str | None = None
    version: str | None = None
    status: str = "ok"  # ok | blocked | broken
    error: str | None = None
    provides: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Registry:
    readers: dict[str, Reader] = field(default_factory=dict)
    writers: dict[str, Writer] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    ocr_engines: dict[str, OcrEngine] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)

    def add_plugin(
        self, plugin: object, name: str, distribution: str | None = None, version: str | None = None
    ) -> PluginInfo:
        """Register one plugin object (a module with hookimpls); failures mark it broken, never raise."""
        info = PluginInfo(name=name, distribution=distribution, version=version)
        self.plugins.append(info)
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        try:
            pm.register(plugin, name=name)
            pm.check_pending()
        except (Exception, SystemExit) as exc:  # a plugin's mistake must not stop the others
            info.status, info.error = "broken", _one_line(exc)
            return info
        added: list[tuple[dict[str, Any], str]] = []
        try:
            for kind, hook_name in KINDS.items():
                store: dict[str, Any] = getattr(self, kind)
                for impl in getattr(pm.hook, hook_name).get_hookimpls():
                    impl.function(register=self._registrar(kind, store, info, added))
        except (Exception, SystemExit) as exc:
            for store, key in added:  # all or nothing: a half-registered plugin is worse than none
                del store[key]
            info.provides = {}
            info.status, info.error = "broken", _one_line(exc)
        return info

    def _registrar(
        self, kind: str, store: dict[str, Any], info: PluginInfo, added: list[tuple[dict[str, Any], str]]
    ) -> Callable[[Any], None]:
        def register(thing: Any) -> None:
            if not isinstance(thing, CONTRACTS[kind]):
                raise TypeError(f"{thing!r} is not a {CONTRACTS[kind].__name__}")
            name = getattr(thing, "id" if kind == "templates" else "name", None)
            if not isinstance(name, str) or not name:
                raise ValueError(f"a registered {_one(kind)} needs a non-empty name")
            if name in store:
                owner = self.owner(kind, name)
                raise ValueError(f"{_one(kind)} {name!r} is already provided by {owner}")
            store[name] = thing
            added.append((store, name))
            info.provides.setdefault(kind, []).append(name)

        return register

    def owner(self, kind: str, name: str) -> str | None:
        for info in self.plugins:
            if name in info.provides.get(kind, []):
                return info.name
        return None


def _one(kind: str) -> str:
    return kind[:-1].replace("_", " ")  # "ocr_engines": "ocr engine"


def blocked_names() -> set[str]:
    return {n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()}


def load_registry(entry_points: Iterable[metadata.EntryPoint] | None = None) -> Registry:
    """Load every plugin of the entry-point group ``gongkai``, built-ins first."""
    eps = entry_points if entry_points is not None else metadata.entry_points(group=hookspecs.PROJECT)
    found = _with_distributions(eps)
    found.sort(key=lambda f: (not _builtin(f[0], f[1]), f[0].name))
    registry = Registry()
    blocked = blocked_names()
    seen: dict[str, str | None] = {}
    for ep, dist, version in found:
        about = (ep.name, dist, version)
        if ep.name in seen:
            if seen[ep.name] != dist:  # another distribution claims a name that is taken: refuse, say so
                error = f"the plugin name is already used by {seen[ep.name]}"
                registry.plugins.append(PluginInfo(*about, status="broken", error=error))
            continue
        seen[ep.name] = dist
        if ep.name.startswith(BUILTIN_PREFIX) and not _builtin(ep, dist):
            error = f"names starting with {BUILTIN_PREFIX!r} are gongkai's own"
            registry.plugins.append(PluginInfo(*about, status="broken", error=error))
        elif ep.name in blocked:
            registry.plugins.append(PluginInfo(*about, status="blocked", error=f"blocked by {BLOCK_ENV}"))
        else:
            try:
                plugin = ep.load()
            except (Exception, SystemExit) as exc:  # a plugin may even call sys.exit on import
                registry.plugins.append(PluginInfo(*about, status="broken", error=_one_line(exc)))
                continue
            registry.add_plugin(plugin, *about)
    return registry


def _with_distributions(
    eps: Iterable[metadata.EntryPoint],
) -> list[tuple[metadata.EntryPoint, str | None, str | None]]:
    """Each entry point with its distribution's name and version, read once per distribution: every read
    parses the METADATA file again (gongkai's holds the whole README), some 0.3 ms each."""
    read: dict[int, tuple[str | None, str | None]] = {}
    found: list[tuple[metadata.EntryPoint, str | None, str | None]] = []
    for ep in eps:
        if ep.dist is not None and id(ep.dist) not in read:
            read[id(ep.dist)] = (ep.dist.name, ep.dist.version)
        found.append((ep, *read.get(id(ep.dist), (None, None))))
    return found


def _builtin(ep: metadata.EntryPoint, dist: str | None) -> bool:
    return ep.name.startswith(BUILTIN_PREFIX) and dist == hookspecs.PROJECT


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"


_registry: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, loaded on first use."""
    global _registry
    if _registry is None:
        _registry = load_registry()
    return _registry


def reset_registry() -> None:
    """Forget the loaded plugins (tests, or after installing a plugin at run time)."""
    global _registry
    _registry = None
