#!/usr/bin/env python3
"""Builds tests/data/policies/c7n/ from Cloud Custodian's documented example policies.

Run by hand, not by the tests (they only read the files it writes). It takes every
`.. code-block:: yaml` example of c7n/resources/*.py and docs/source/aws/**/*.rst at a Cloud
Custodian release, splits it into one policy a file, keeps those that are AWS policies Cloud
Custodian's own schema accepts (checked with that release's c7n, imported from a `git archive`
of it), and writes line 1 `# expect: ...` from what `custos validate` makes of each file.

    scripts/c7n_corpus.py extract   # add the examples not in the corpus yet, list the dropped
    scripts/c7n_corpus.py expect    # rewrite every file's line 1 from the current build

Options: --repo (the bare clone), --ref (the release tag), --custos (the binary).
"""

import argparse
import ast
import json
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile
import types

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests/data/policies/c7n"
SOURCES = ROOT / "tests/data/SOURCES.md"
# The part of SOURCES.md this script writes.
BEGIN, END = "<!-- c7n-corpus-dropped: begin -->", "<!-- c7n-corpus-dropped: end -->"
REPO = "/work/.mirror/cloud-custodian+cloud-custodian/repo"
REF = "0.9.21.0"
DIRECTIVE = re.compile(r"^(\s*)\.\. code-block::\s*(yaml|yml)\s*$")
# The folders the corpus had before this script: several types share one.
FOLDER = {"iam-user": "iam", "iam-role": "iam", "iam-policy": "iam", "kms-key": "kms",
          "org-account": "org", "hostedzone": "route53", "rrset": "route53"}


def git(args, repo):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def sources(repo, ref):
    """(path, first line, text) of each docstring of c7n/resources/*.py and each docs page."""
    names = git(["ls-tree", "-r", "--name-only", ref], repo).decode().splitlines()
    for name in names:
        if re.fullmatch(r"c7n/resources/[^/]+\.py", name):
            # The strings as Python reads them: an example's \\" is YAML's \".
            module = ast.parse(git(["show", f"{ref}:{name}"], repo))
            for node in ast.walk(module):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield name, node.lineno, node.value
        elif re.fullmatch(r"docs/source/aws/.+\.rst", name):
            yield name, 1, git(["show", f"{ref}:{name}"], repo).decode()


def blocks(text):
    """(first line number, dedented text) of each yaml code block."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i])
        i += 1
        if not match:
            continue
        indent = len(match.group(1))
        while i < len(lines) and (not lines[i].strip() or lines[i].strip().startswith(":")):
            i += 1
        start, body = i, []
        while i < len(lines) and (not lines[i].strip()
                                  or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():
            body.pop()
        margin = min(len(l) - len(l.lstrip()) for l in body if l.strip()) if body else 0
        yield start + 1, "\n".join(l[margin:] for l in body) + "\n"


def policy_nodes(text):
    """The policies of a block as (value, node): under `policies:`, a list, or one policy."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    value = yaml.safe_load(text)
    if isinstance(value, dict) and "policies" in value:
        node = next(v for k, v in node.value if k.value == "policies")
        value = value["policies"]
    if isinstance(value, dict):
        return [(value, node)]
    if isinstance(value, list):
        return list(zip(value, node.value))
    return []


def policy_text(text, node, value):
    """The policy as written, under `policies:`; re-dumped when the slice does not parse back."""
    lines = text.splitlines()
    first, last, col = node.start_mark.line, node.end_mark.line, node.start_mark.column
    if node.end_mark.column == 0:
        last -= 1
    body = lines[first:last + 1]
    shift = 4 - col
    out = ["  - " + body[0][col:]]
    for line in body[1:]:
        if not line.strip():
            out.append("")
        elif line[:col].strip() or (shift < 0 and line[:-shift].strip()):
            out = None
            break
        else:
            out.append(" " * shift + line if shift >= 0 else line[-shift:])
    if out is not None:
        while out and not out[-1].strip():
            out.pop()
        result = "policies:\n" + "\n".join(out) + "\n"
        try:
            if yaml.safe_load(result) == {"policies": [value]}:
                return result
        except yaml.YAMLError:
            pass
    return yaml.safe_dump({"policies": [value]}, sort_keys=False, default_flow_style=False)


def c7n_validator(repo, ref):
    """Cloud Custodian's schema validation at `ref`, imported from an archive of its source."""
    folder = tempfile.mkdtemp(prefix="c7n-")
    with tempfile.TemporaryFile() as archive:
        archive.write(git(["archive", ref, "c7n"], repo))
        archive.seek(0)
        tarfile.open(fileobj=archive).extractall(folder)
    sys.path.insert(0, folder)
    # Only c7n's report writer needs tabulate, which Debian's Python lacks.
    sys.modules.setdefault("tabulate", types.ModuleType("tabulate"))
    from c7n.resources import load_resources
    from c7n.schema import JsonSchemaValidator, generate, specific_error
    load_resources(("aws.*",))
    # One validator: c7n.schema.validate builds one per call, minutes for the whole corpus.
    validator = JsonSchemaValidator(generate())

    def refusal(policy):
        """Why Cloud Custodian refuses the policy (its most specific error), or None."""
        errors = list(validator.iter_errors({"policies": [policy]}))
        return str(specific_error(errors[0])).splitlines()[0] if errors else None
    return refusal


def canonical(policy):
    return json.dumps(policy, sort_keys=True, default=str)


def existing():
    """The corpus as it is: canonical policy -> path, and (type, name, source file) seen."""
    contents, names = {}, set()
    for path in CORPUS.rglob("*.yml"):
        text = path.read_text()
        for policy in yaml.safe_load(text)["policies"]:
            contents[canonical(policy)] = path
            source = re.search(r"^# source: .*?(\S+\.(?:py|rst|md|yml))", text, re.M)
            names.add((policy.get("resource", "").removeprefix("aws."), policy.get("name"),
                       source.group(1) if source else ""))
    return contents, names


def extract(args):
    refused = c7n_validator(args.repo, args.ref)
    commit = git(["rev-parse", f"{args.ref}^{{commit}}"], args.repo).decode().strip()
    contents, names = existing()
    added, dropped, duplicates = [], [], 0
    for name, first, text in sources(args.repo, args.ref):
        stem = pathlib.Path(name).stem
        prefix = stem if name.endswith(".py") else "docs-" + stem.lower()
        for line, block in blocks(text):
            line += first - 1
            where = f"{name} line {line}"
            try:
                found = policy_nodes(block)
            except yaml.YAMLError as e:
                dropped.append((where, "not YAML: " + str(e).splitlines()[0]))
                continue
            if not found:
                dropped.append((where, "not a policy (a fragment or a configuration)"))
            for policy, node in found:
                if not isinstance(policy, dict) or "resource" not in policy:
                    dropped.append((where, "not a policy (no resource)"))
                    continue
                resource = str(policy["resource"])
                if "." in resource and not resource.startswith("aws."):
                    dropped.append((where, f"not AWS: {resource}"))
                    continue
                refusal = refused(policy)
                if refusal:
                    dropped.append((where, f"{policy.get('name')}: Cloud Custodian's schema "
                                           f"refuses it: {refusal}"))
                    continue
                kind = resource.removeprefix("aws.")
                if (canonical(policy) in contents
                        or (kind, policy.get("name"), pathlib.Path(name).name) in names
                        or (kind, policy.get("name"), name) in names):
                    duplicates += 1
                    continue
                folder = CORPUS / FOLDER.get(kind, kind)
                file = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{prefix}-{line}-{policy['name']}.yml")
                path = folder / file
                if path.exists():
                    path = path.with_stem(path.stem + f"-{len(list(folder.glob(path.stem + '*')))}")
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text("# expect: valid\n"
                                f"# source: cloud-custodian/cloud-custodian {where} "
                                f"({args.ref}, {commit[:12]})\n"
                                + policy_text(block, node, policy))
                contents[canonical(policy)] = path
                added.append(path)
    table = "".join(f"| {where} | {why.replace('|', '/')} |\n" for where, why in dropped)
    text = SOURCES.read_text()
    SOURCES.write_text(text[:text.index(BEGIN) + len(BEGIN)] + "\n| where | why |\n|---|---|\n"
                       + table + text[text.index(END):])
    print(f"added {len(added)}, already there {duplicates}, dropped {len(dropped)}")
    expect(args, added)


def outcome(custos, path):
    """`# expect:` text: valid, or the error's position and message up to its list of names."""
    run = subprocess.run([custos, "validate", str(path)], capture_output=True, text=True)
    if run.returncode == 0:
        return "valid"
    message = (run.stderr or run.stdout).strip().splitlines()[0]
    message = message[message.index(str(path)) + len(str(path)) + 1:]
    return message.split(" (known")[0]


def expect(args, paths=None):
    for path in paths if paths is not None else sorted(CORPUS.rglob("*.yml")):
        lines = path.read_text().split("\n")
        lines[0] = "# expect: " + outcome(args.custos, path)
        path.write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["extract", "expect"])
    parser.add_argument("--repo", default=REPO)
    parser.add_argument("--ref", default=REF)
    parser.add_argument("--custos", default=str(ROOT / "build/custos"))
    args = parser.parse_args()
    extract(args) if args.command == "extract" else expect(args)


if __name__ == "__main__":
    main()
