"""Validates CSV files against their Table Schemas with frictionless; prints one JSON report on stdout.

Usage: python3 frictionless_validate.py DIR NAME [NAME ...]
reads DIR/NAME.csv and DIR/NAME.schema.json for each NAME. Exit status: 0 all valid, 1 some invalid,
3 frictionless is not installed.
"""
import json
import sys

try:
    from frictionless import Resource, Schema, validate
except ImportError as err:  # the caller turns this into a failing test with the fix in its message
    print(json.dumps({"missing": f"frictionless is not importable ({err}): pip install frictionless"}))
    sys.exit(3)

directory, names = sys.argv[1], sys.argv[2:]
out = {}
for name in names:
    with open(f"{directory}/{name}.schema.json", encoding="utf-8") as f:
        schema = Schema.from_descriptor(json.load(f))
    # A relative path under basepath: frictionless refuses absolute paths as unsafe.
    resource = Resource(path=f"{name}.csv", basepath=directory, schema=schema, format="csv", encoding="utf-8")
    report = validate(resource)
    task = report.tasks[0] if report.tasks else None
    out[name] = {
        "valid": report.valid,
        "rows": task.stats.get("rows") if task else None,
        "errors": [
            f"{e.type}: {e.message}" for t in report.tasks for e in t.errors
        ] + [f"{e.type}: {e.message}" for e in report.errors],
    }
print(json.dumps(out, ensure_ascii=False))
sys.exit(0 if all(r["valid"] for r in out.values()) else 1)
