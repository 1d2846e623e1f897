#!/usr/bin/env python3
"""Validates every NDJSON line the suite produces against schema/kdiag-event.schema.json.

The lines: every golden file corpus/<case>/expected/*.ndjson, and kdiag run again on each of the
goldens' NDJSON runs with --records added (so "type":"record" lines are checked too), with a
config file that suppresses everything (so the summary's suppression counts are), and with
--list-boots (its "type":"boot" objects).

Two checks per line: it is valid under the schema (JSON Schema 2020-12, formats checked), and every
key it has is declared in the schema for its type. The schema itself allows keys it does not know
(so a consumer validating a newer kdiag's output does not break), but kdiag's own output must not
have undeclared keys: a failure names the key and the place in the schema to add it.

Needs python3-jsonschema (Debian); without it the test is skipped (exit 77) and says so.
Usage: validate_ndjson.py KDIAG_BINARY SOURCE_DIR
"""
import glob
import json
import os
import shlex
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("SKIPPED: python3-jsonschema is not installed (apt-get install python3-jsonschema; "
          "scripts/setup test installs it): the NDJSON schema was not checked")
    sys.exit(77)


def main():
    kdiag, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    schema_path = os.path.join(source, "schema", "kdiag-event.schema.json")
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    formats = getattr(jsonschema.Draft202012Validator, "FORMAT_CHECKER", None) or \
        jsonschema.FormatChecker()
    validator = jsonschema.Draft202012Validator(schema, format_checker=formats)
    defs = schema["$defs"]
    # One validator per type as well, whose errors name the key at fault (the whole schema's
    # oneOf would only say that the object matches none of the types).
    by_type = {kind: jsonschema.Draft202012Validator(
        {"$schema": schema["$schema"], "$defs": defs, "$ref": f"#/$defs/{kind}"},
        format_checker=formats) for kind in defs}

    outputs = []  # (label, text)
    for path in sorted(glob.glob(os.path.join(source, "corpus", "*", "expected", "*.ndjson"))):
        with open(path, encoding="utf-8") as f:
            outputs.append((os.path.relpath(path, source), f.read()))

    with tempfile.TemporaryDirectory() as tmp:
        suppress_all = os.path.join(tmp, "config.toml")
        with open(suppress_all, "w") as f:
            f.write('[[suppress]]\nrule = "*"\nreason = "schema test"\n')
        for runs in sorted(glob.glob(os.path.join(source, "corpus", "*", "runs"))):
            case = os.path.dirname(runs)
            with open(runs) as f:
                lines = [l for l in f if l.strip() and not l.startswith("#")]
            for n, line in enumerate(lines, 1):
                words = shlex.split(line)
                args = words[1:]
                if "ndjson" not in args:
                    continue
                for extra in (["--no-config", "--records"], ["--config", suppress_all],
                              ["--no-config", "--list-boots"]):
                    run = subprocess.run([kdiag] + args + extra, cwd=case, capture_output=True,
                                         text=True)
                    if run.returncode not in (0, 1):
                        print(f"{os.path.relpath(runs, source)}:{n}: kdiag {' '.join(args + extra)} "
                              f"exited {run.returncode}: {run.stderr.strip()}")
                        return 1
                    outputs.append((f"{os.path.relpath(runs, source)}:{n} with {' '.join(extra)}",
                                    run.stdout))

    failures, lines_checked, types = [], 0, {}
    for label, text in outputs:
        for n, raw in enumerate(text.splitlines(), 1):
            where = f"{label}:{n}"
            try:
                obj = json.loads(raw)
            except ValueError as e:
                failures.append(f"{where}: not JSON: {e}")
                continue
            lines_checked += 1
            kind = obj.get("type") if isinstance(obj, dict) else None
            types[kind] = types.get(kind, 0) + 1
            errors = list((by_type[kind] if kind in by_type else validator).iter_errors(obj))
            if not errors and kind in by_type:
                errors = list(validator.iter_errors(obj))
            for err in errors:
                path = "/".join(str(p) for p in err.absolute_path) or "(the object)"
                message = err.message if len(err.message) < 300 else err.message[:300] + "..."
                failures.append(f"{where}: {kind} {path}: {message}")
            if kind in defs:
                declared = defs[kind].get("properties", {})
                for key in obj:
                    if key not in declared:
                        failures.append(
                            f"{where}: key \"{key}\" of a \"{kind}\" is not declared: add it to "
                            f"$defs/{kind}/properties in schema/kdiag-event.schema.json "
                            f"(and to schema/README.md)")
    seen = ", ".join(f"{v} {k}" for k, v in sorted(types.items(), key=str))
    print(f"{lines_checked} NDJSON lines from {len(outputs)} outputs checked ({seen})")
    for kind in defs:
        if kind not in types:
            failures.append(f"no \"{kind}\" line was produced: the test covers too little")
    if failures:
        # One line per distinct problem, the first place it was seen.
        shown = {}
        for f in failures:
            key = f.split(": ", 1)[1] if ": " in f else f
            shown.setdefault(key, f)
        for f in shown.values():
            print(f)
        print(f"{len(failures)} problems ({len(shown)} distinct)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
