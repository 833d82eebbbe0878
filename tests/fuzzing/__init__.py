"""Fuzzing the readers through the public API (used by tests/test_fuzz.py and benchmarks/fuzz.py).

- `corpus`: the committed fixtures to mutate, by format.
- `choose`: one interface for a seeded `random.Random` and a Hypothesis `draw`.
- `generate`: text-like reports and HTML-like trees built from the template's labels.
- `mutate`: mutations of a fixture (bytes, lines, trees, zip members, PDF objects); `build_case`.
- `verdict`: one conversion run in-process and classified, with its peak memory.
- `strategies`: the Hypothesis strategies and settings profiles.
- `minimize`: shrinking a failing input while it still fails the same way.

Every case is reproducible from (source, seed): `build_case(source, seed)` gives the same bytes each time.
"""
