"""docs/security.md names, for each requirement, the tests that prove it: every file and test it names must
exist, every requirement of the table has its row, and every test module citing a requirement number is
named in that requirement's row."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
ROWS = {
    int(m["number"]): m["row"]
    for m in re.finditer(r"^\| (?P<number>\d+) \|(?P<row>.*)$", TABLE, flags=re.MULTILINE)
}


def test_every_requirement_has_its_row():
    assert sorted(ROWS) == list(range(1, 25))


def test_every_named_test_file_and_function_exists():
    for ref in re.findall(r"`(tests/[^`]+)`", TABLE):
        path, _, name = ref.partition("::")
        assert (ROOT / path).exists(), ref
        if name:
            assert re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M), ref
    for name in re.findall(r"`(test_\w+)`", TABLE):
        assert any(f"def {name}(" in p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py")), (
            name
        )


def test_every_test_module_citing_a_requirement_is_named_in_its_row():
    for path in (ROOT / "tests").rglob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        docstring = text.split('"""')[1] if text.startswith('"""') else ""
        if "SECURITY.md" not in docstring:
            continue
        cited = {int(n) for n in re.findall(r"#(\d+)", docstring)}
        cited |= {int(n) for n in re.findall(r"SECURITY\.md (\d+)", docstring)}
        relative = path.relative_to(ROOT).as_posix()
        for number in cited:
            assert relative in ROWS.get(number, ""), f"{relative} cites #{number}; name it in that row"
