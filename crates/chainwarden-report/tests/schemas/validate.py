"""Validates a JSON document against a vendored JSON Schema.

usage: validate.py SCHEMA_DIR MAIN_SCHEMA DOCUMENT

Every schema in SCHEMA_DIR is registered under its own id and under its file
name resolved against the main schema's id, so relative `$ref`s between the
vendored files resolve offline. The draft is the one the main schema declares;
formats are checked where a checker is installed (date-time with
rfc3339-validator, uri and uri-reference with rfc3986-validator). Prints one line per error
and exits 1 when the document is invalid.
"""
import json
import pathlib
import sys
from urllib.parse import urljoin

from jsonschema import validators
from referencing import Registry, Resource

schema_dir = pathlib.Path(sys.argv[1])
main = json.loads((schema_dir / sys.argv[2]).read_text(encoding="utf-8"))
document = json.loads(pathlib.Path(sys.argv[3]).read_text(encoding="utf-8"))
main_id = main.get("$id") or main.get("id") or ""

registry = Registry()
for path in sorted(schema_dir.glob("*.json")):
    contents = json.loads(path.read_text(encoding="utf-8"))
    resource = Resource.from_contents(contents)
    uris = {urljoin(main_id, path.name)}
    own = contents.get("$id") or contents.get("id")
    if own:
        uris.add(own)
    for uri in uris:
        registry = registry.with_resource(uri, resource)

cls = validators.validator_for(main)
cls.check_schema(main)
validator = cls(main, registry=registry, format_checker=cls.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
for e in errors:
    where = "/".join(str(p) for p in e.absolute_path) or "(root)"
    print(f"{where}: {e.message[:300]}")
print(f"{cls.__name__}: {len(errors)} error(s)")
sys.exit(1 if errors else 0)
