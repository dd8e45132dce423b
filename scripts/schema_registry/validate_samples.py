"""Validates sample values against pairs of JSON Schemas with Python's `jsonschema` (an
implementation nobody here wrote), as the reference the registry's compatibility verdicts are
checked against. Reads {"samples": [...], "cases": [{"name", "original", "update"}]} (schemas as
text) on stdin; prints {name: {"original": [bool...], "update": [bool...]}} as one JSON line."""
import json
import sys

from jsonschema.validators import validator_for

request = json.load(sys.stdin)
samples = request["samples"]


def verdicts(text):
    schema = json.loads(text)
    cls = validator_for(schema)  # draft 2020-12 unless the schema says otherwise
    validator = cls(schema)
    return [validator.is_valid(s) for s in samples]


print(json.dumps({
    c["name"]: {"original": verdicts(c["original"]), "update": verdicts(c["update"])}
    for c in request["cases"]
}))
