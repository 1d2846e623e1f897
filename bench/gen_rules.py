#!/usr/bin/env python3
"""N times the rules: each rule of rules/*.toml plus N-1 variants that match other lines.

    bench/gen_rules.py [--multiplier 10] [--rules DIR] -o OUTDIR

Writes OUTDIR/*.toml: a copy of every rule file of --rules (default: the repository's rules/) and
OUTDIR/variants.toml with multiplier-1 variants of every rule, ids "<id>.vK". For the rule-count
scaling benchmark (bench/rule_scaling.sh): kdiag loading OUTDIR has multiplier times the patterns
but should find exactly the same events, so any extra time is the cost of the rule count alone.

A variant changes one letter of one literal word of each pattern: the longest run of plain
letters outside any group (letters inside a group may sit in an optional part, where a change
would not stop the variant from matching the original's lines), preferring letters at the top
level, never inside a character class, an escape, a group name or a repetition count. Variant K
changes position 1 + (K-1) mod (len-2) of the word to one of "qzjx" (skipping the original
letter), so the variants differ from each other and keep the original's shape: same anchors, same
classes, same length, a literal just as long. The examples' lines get the same change, so the
variants' examples still match them (`kdiag rules check OUTDIR` passes for rules whose word
appears in their example lines verbatim).

Deterministic: same rules, same output.
"""

import argparse
import json
import os
import shutil
import sys
import tomllib

LETTERS = "qzjx"


def literal_runs(pattern):
    """[(start, end, depth)] of runs of ASCII letters that are plain literals in an RE2 pattern."""
    runs = []
    i, depth, start = 0, 0, None
    n = len(pattern)

    def close(at):
        nonlocal start
        if start is not None and at - start >= 3:
            runs.append((start, at, depth))
        start = None

    while i < n:
        c = pattern[i]
        if c.isascii() and c.isalpha():
            if start is None:
                start = i
            i += 1
            continue
        close(i)
        if c == "\\":
            # \x{...}, \p{...}, \P{...}: skip the braces; any other escape is two characters.
            if i + 2 < n and pattern[i + 1] in "xpP" and pattern[i + 2] == "{":
                i = pattern.index("}", i) + 1
            else:
                i += 2
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1  # a leading ] is literal
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
        elif c == "(":
            depth += 1
            if pattern.startswith("(?P<", i):
                i = pattern.index(">", i) + 1
            elif pattern.startswith("(?", i):
                i = pattern.index(":", i) + 1 if ":" in pattern[i:i + 8] else i + 2
            else:
                i += 1
        elif c == ")":
            depth -= 1
            i += 1
        elif c == "{":
            i = pattern.index("}", i) + 1 if "}" in pattern[i:] else i + 1
        else:
            i += 1
    close(n)
    # A letter followed by a quantifier belongs to the quantifier: drop it from the run.
    out = []
    for s, e, d in runs:
        if e < n and pattern[e] in "?*+{":
            e -= 1
        if e - s >= 3:
            out.append((s, e, d))
    return out


def variant_word(word, k):
    """The word with one letter changed for variant k (1-based)."""
    inner = len(word) - 2
    pos = 1 + (k - 1) % inner
    choices = [c for c in LETTERS if c != word[pos].lower()]
    new = choices[((k - 1) // inner) % len(choices)]
    return word[:pos] + new + word[pos + 1:]


def mutate(pattern, k):
    """(new pattern, old word, new word) or None when the pattern has no usable literal."""
    runs = literal_runs(pattern)
    if not runs:
        return None
    best_depth = min(d for _, _, d in runs)
    s, e, _ = max((r for r in runs if r[2] == best_depth), key=lambda r: (r[1] - r[0], -r[0]))
    word = pattern[s:e]
    new = variant_word(word, k)
    return pattern[:s] + new + pattern[e:], word, new


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)  # a window's seconds (0.5); Python's repr of a finite float is valid TOML
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a valid TOML basic string
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def write_rule(out, rule):
    out.write("[[rule]]\n")
    for k, v in rule.items():
        if k != "example":
            out.write(f"{k} = {toml_value(v)}\n")
    for ex in rule.get("example", []):
        out.write("  [[rule.example]]\n")
        for k, v in ex.items():
            out.write(f"  {k} = {toml_value(v)}\n")
    out.write("\n")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--multiplier", type=int, default=10)
    ap.add_argument("--rules", default=os.path.join(root, "rules"))
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    if a.multiplier < 1:
        sys.exit("gen_rules: --multiplier must be at least 1")
    os.makedirs(a.out, exist_ok=True)
    rules = []
    for name in sorted(os.listdir(a.rules)):
        if name.endswith(".toml"):
            shutil.copyfile(os.path.join(a.rules, name), os.path.join(a.out, name))
            with open(os.path.join(a.rules, name), "rb") as f:
                rules += tomllib.load(f).get("rule", [])
    patterns = 0
    with open(os.path.join(a.out, "variants.toml"), "w") as out:
        out.write(f"# Generated by bench/gen_rules.py --multiplier {a.multiplier}; do not edit.\n\n")
        for rule in rules:
            for k in range(1, a.multiplier):
                v = dict(rule)
                v["id"] = f"{rule['id']}.v{k}"
                pats = rule["pattern"] if isinstance(rule["pattern"], list) else [rule["pattern"]]
                new_pats, changes = [], []
                for p in pats:
                    m = mutate(p, k)
                    if m is None:
                        sys.exit(f"gen_rules: {rule['id']}: no literal word to change in {p!r}")
                    new_pats.append(m[0])
                    changes.append(m[1:])
                v["pattern"] = new_pats if isinstance(rule["pattern"], list) else new_pats[0]
                patterns += len(new_pats)
                v.pop("not", None)  # the original's counter-examples say nothing about a variant
                examples = []
                for ex in rule.get("example", []):
                    ex = dict(ex)
                    for old, new in changes:
                        if old in ex["line"]:
                            ex["line"] = ex["line"].replace(old, new, 1)
                            break
                    examples.append(ex)
                v["example"] = examples
                write_rule(out, v)
    print(f"gen_rules: {len(rules)} rules, {len(rules) * (a.multiplier - 1)} variants "
          f"({patterns} patterns) in {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
