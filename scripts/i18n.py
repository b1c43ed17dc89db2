"""Translation catalogues per feature: extract messages and update each feature's Japanese .po file.

Usage: python scripts/i18n.py update                  (extract + merge; new entries get an empty msgstr)
       python scripts/i18n.py missing                 (list msgids without Japanese; exit 1 if any)
       python scripts/i18n.py fill FEATURE FILE.json  (set translations from {msgid: msgstr})

Each feature owns its catalogue (govtech/<feature>/translations/ja/LC_MESSAGES/messages.po) so features can
be worked on in parallel; Flask-Babel merges all of them at run time.
"""
from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2")]

# feature -> (catalogue dir, [source dirs or files])
FEATURES = {
    "core": ("govtech/translations", ["govtech/core", "govtech/accounts", "govtech/cli.py", "govtech/demo.py",
                                      "govtech/factory.py",
                                      "templates/base.html", "templates/core", "templates/accounts",
                                      "templates/errors", "templates/partials"]),
    "procurement": ("govtech/procurement/translations", ["govtech/procurement", "templates/procurement"]),
    "talent": ("govtech/talent/translations", ["govtech/talent", "templates/talent"]),
    "api": ("govtech/api/translations", ["govtech/api", "templates/api"]),
    "dashboard": ("govtech/dashboard/translations", ["govtech/dashboard", "templates/dashboard"]),
}


def extract(sources: list[str]) -> Catalog:
    """Collect every translatable message of the given sources."""
    catalog = Catalog(locale=None)
    for source in sources:
        path = ROOT / source
        if not path.exists():
            continue
        if path.is_file():
            base, files = path.parent, [path.name]
        else:
            base, files = path, None
        for filename, lineno, message, _comments, context in extract_from_dir(
                str(base), METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
                options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}):
            if files is not None and filename not in files:
                continue
            if isinstance(message, tuple | list):
                message = message[0]
            if message:
                catalog.add(message, None, [(str(Path(source) / filename), lineno)], context=context)
    return catalog


def po_path(directory: str) -> Path:
    return ROOT / directory / "ja" / "LC_MESSAGES" / "messages.po"


def load_po(path: Path) -> Catalog:
    if not path.exists():
        return Catalog(locale="ja", domain="messages")
    with path.open("rb") as fh:
        return read_po(fh, locale="ja")


def update() -> None:
    """Merge extracted messages into each feature's catalogue, keeping existing translations."""
    for name, (directory, sources) in FEATURES.items():
        template = extract(sources)
        if not len(template):
            continue
        path = po_path(directory)
        catalog = load_po(path)
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = BytesIO()
        write_po(buf, catalog, width=120, omit_header=False, ignore_obsolete=True, include_previous=False)
        path.write_bytes(buf.getvalue())
        print(f"{name}: {len(template)} messages -> {path.relative_to(ROOT)}")


def missing() -> dict[str, list[str]]:
    """msgids with no (or a fuzzy) Japanese translation, per feature."""
    result = {}
    for name, (directory, sources) in FEATURES.items():
        template = extract(sources)
        catalog = load_po(po_path(directory))
        gaps = []
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id, context=message.context)
            text = entry.string if entry else None
            if isinstance(text, tuple | list):
                text = text[0]
            if not text or (entry and entry.fuzzy):
                gaps.append(message.id if isinstance(message.id, str) else message.id[0])
        if gaps:
            result[name] = gaps
    return result


def fill(feature: str, json_file: str) -> None:
    """Set Japanese translations from a JSON object {msgid: msgstr} (after `update`)."""
    import json

    path = po_path(FEATURES[feature][0])
    catalog = load_po(path)
    for msgid, msgstr in json.loads(Path(json_file).read_text(encoding="utf-8")).items():
        entry = catalog.get(msgid)
        if entry is None:
            print(f"not in catalogue (run update first?): {msgid}", file=sys.stderr)
            continue
        entry.string = msgstr
        entry.flags.discard("fuzzy")
    buf = BytesIO()
    write_po(buf, catalog, width=120, ignore_obsolete=True)
    path.write_bytes(buf.getvalue())


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "fill":
        fill(sys.argv[2], sys.argv[3])
    else:
        gaps = missing()
        for feature, ids in gaps.items():
            for msgid in ids:
                print(f"{feature}: {msgid}")
        sys.exit(1 if gaps else 0)
