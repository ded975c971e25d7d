#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Validate SARIF logs against the complete SARIF 2.1.0 schema (tests/schemas/sarif-2.1.0.json).
# Exit 0 valid, 1 invalid (each error printed with its JSON path), 77 no python3-jsonschema.
import json
import os
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    print("skip: python3-jsonschema is not installed")
    sys.exit(77)

schema_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas", "sarif-2.1.0.json")
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    for e in errors[:20]:
        print(f"{path}: /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
    if errors:
        bad += 1
    elif log.get("version") != "2.1.0" or not log.get("runs"):
        print(f"{path}: not a SARIF 2.1.0 log with runs")
        bad += 1
sys.exit(1 if bad else 0)
