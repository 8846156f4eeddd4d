"""`python -m digests.i18n update` merges the code's messages into the catalogs;
`python -m digests.i18n check` lists what is untranslated (exit code 1 while anything is)."""

from __future__ import annotations

import sys

from digests.i18n.catalogs import gaps, update


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command != "check":
        print("usage: python -m digests.i18n update|check", file=sys.stderr)
        return 2
    missing = gaps()
    for gap in missing:
        print(f"{gap.language}: {gap.problem}: {gap.msgid!r}")
    print(f"{len(missing)} messages need a translator's look.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
