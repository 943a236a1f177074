"""The shipped bank's files, parsed once per test process, for tests that need no database (collection
included: the per-question tests are parametrized from it)."""

import functools
from pathlib import Path

import yaml

from exams.bank import SAFE_LOADER, BankEntry, entry_to_content

SHIPPED_BANK = Path(__file__).resolve().parents[2] / "exams" / "bank"


@functools.cache
def shipped_entries() -> tuple[BankEntry, ...]:
    entries = []
    for file in sorted(SHIPPED_BANK.glob("*.yaml")):
        document = yaml.load(file.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        for entry in document["questions"]:
            entries.append(BankEntry(document["domain"], entry, entry_to_content(entry, document["domain"])))
    return tuple(entries)


def is_randomized(content: dict) -> bool:
    return bool(content["parameters"] or content.get("pool"))
