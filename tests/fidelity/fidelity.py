#!/usr/bin/env python3
"""Fidelity corpus and live differential test against kubectl kustomize.

  fidelity.py freeze CORPUS_DIR
      Writes the enumerated forms (forms.py) as golden cases: one tree for
      all value forms kustomize accepts, one for keys, one per document
      form, and one error case per form kustomize rejects. Goldens come
      from `kubectl kustomize`; tests/golden/check-case.sh checks them.
  fidelity.py diff PLEO_RENDER [--seed N] [--count N]
      Generates N random values from tricky pieces, renders them with both
      kubectl kustomize and pleo-render, and reports every value whose
      output differs. Exit status 1 when any differs.
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forms  # noqa: E402

API = "fidelity.example.com/v1"
# What pleo-render must say when kustomize rejects a form: the file, line
# and column (an extended regex, as tests/golden/check-case.sh reads it).
REJECTION = r"re:obj\.yaml:[0-9]+:[0-9]+: "


def obj(name, body):
    return "apiVersion: %s\nkind: Fidelity\nmetadata:\n  name: %s\n%s" % (API, name, body)


def value_object(name, text):
    if text.startswith("\n"):
        return obj(name, "spec:\n  value:" + text.replace("\n", "\n  ").rstrip(" ") + "\n")
    if "\n" in text:
        return obj(name, "spec:\n  value: " + text.replace("\n", "\n  ").rstrip(" ") + "\n")
    return obj(name, "spec:\n  value: %s\n" % text)


def key_object(name, key):
    return obj(name, "spec:\n  %s: v\n  zz-after: 1\n  AA-before: 2\n" % key)


def kustomize(tree):
    r = subprocess.run(["kubectl", "kustomize", tree], capture_output=True)
    return r.returncode, r.stdout, r.stderr


def render(binary, tree):
    r = subprocess.run([binary, "build", tree], capture_output=True)
    return r.returncode, r.stdout, r.stderr


def write_tree(path, files):
    os.makedirs(path, exist_ok=True)
    names = sorted(files)
    with open(os.path.join(path, "kustomization.yaml"), "w") as f:
        f.write("resources:\n" + "".join("- %s\n" % n for n in names))
    for n in names:
        with open(os.path.join(path, n), "w", newline="") as f:
            f.write(files[n])


def accepted(objects):
    """Splits named objects into those kubectl renders and those it rejects."""
    ok, bad = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in objects.items():
            d = os.path.join(tmp, name)
            write_tree(d, {"obj.yaml": text})
            rc, _, _ = kustomize(d)
            (ok if rc == 0 else bad)[name] = text
    return ok, bad


def freeze(corpus):
    if os.path.exists(corpus):
        shutil.rmtree(corpus)
    values = {"v%04d" % i: value_object("v%04d" % i, t)
              for i, (_, t) in enumerate(forms.value_forms())}
    keys = {"k%04d" % i: key_object("k%04d" % i, t)
            for i, (_, t) in enumerate(forms.key_forms())}
    base = obj("doc", "spec:\n  b: 1\n  a: [x, y]\n  c: {d: e}\n")
    docs = {}
    for i, (_, template) in enumerate(forms.DOCUMENTS):
        name = "d%04d" % i
        o = base.replace("name: doc", "name: " + name)
        docs[name] = template.format(
            obj=o, obj_crlf=o.replace("\n", "\r\n"),
            obj_tabs=o.replace("b: 1", "b: 1\t").replace("name: " + name, "name: " + name + "\t"),
            obj_flow="{apiVersion: %s, kind: Fidelity, metadata: {name: %s}, spec: {b: 1}}" % (API, name),
            obj_four=o.replace("\n  ", "\n    "),
            obj_indented_seq=o.replace("a: [x, y]", "a:\n    - x\n    - y"),
            obj_anchor=o.replace("b: 1", "b: &one 1\n  z: *one"))
    counts = {}
    for group, objects in (("values", values), ("keys", keys), ("documents", docs)):
        good, bad = accepted(objects)
        write_tree(os.path.join(corpus, group), {n + ".yaml": t for n, t in good.items()})
        rc, out, err = kustomize(os.path.join(corpus, group))
        if rc != 0:
            sys.exit("kubectl rejected the %s tree: %s" % (group, err.decode()))
        with open(os.path.join(corpus, group, "expected.yaml"), "wb") as f:
            f.write(out)
        for n, t in bad.items():
            d = os.path.join(corpus, "rejected-" + n)
            write_tree(d, {"obj.yaml": t})
            with open(os.path.join(d, "expected.error"), "w") as f:
                f.write(REJECTION + "\n")
        counts[group] = (len(good), len(bad))
    total = sum(a + b for a, b in counts.values())
    print("froze %d forms: %s" % (total, ", ".join("%s %d accepted + %d rejected" % (g, a, b)
                                                   for g, (a, b) in counts.items())))


PIECES = ["y", "yes", "no", "on", "off", "true", "null", "~", "0", "1", "-", "+", ".", "e",
          "E", "x", "o", "b", "_", ":", " ", "  ", "#", "'", '"', "\\", "\n", "\t", "*", "&",
          "!", "%", "@", "`", "[", "]", "{", "}", ",", "?", "|", ">", "é", "😀", "\u2028",
          "\u0085", "\u00a0", "0x", "1e", "2001-12-14", "T", "Z", "inf", "nan", "a", "ab",
          "word ", "long " * 20, "9" * 20, "12:30", "=", "/", "<<", "---", "..."]


def random_value(rng):
    if rng.random() < 0.3:
        return rng.choice(forms.value_forms())[1]
    s = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
    style = rng.random()
    if style < 0.6 or not forms.plain_ok(s):
        return forms.go_quoted(s)
    return s


def differential(binary, seed, count):
    rng = random.Random(seed)
    values = [random_value(rng) for _ in range(count)]
    objects = {"r%05d" % i: value_object("r%05d" % i, v) for i, v in enumerate(values)}
    differences = 0
    with tempfile.TemporaryDirectory() as tmp:
        # kubectl renders the accepted values together; the rejected ones
        # must be rejected by pleo-render too.
        good, bad = accepted(objects) if count <= 200 else split_accepted(objects, tmp)
        tree = os.path.join(tmp, "all")
        write_tree(tree, {n + ".yaml": t for n, t in good.items()})
        krc, kout, kerr = kustomize(tree)
        prc, pout, perr = render(binary, tree)
        if krc != 0 or prc != 0:
            print("render failed: kubectl %d %s / pleo-render %d %s" % (krc, kerr[:300], prc, perr[:300]))
            return 1
        kdocs, pdocs = kout.split(b"\n---\n"), pout.split(b"\n---\n")
        if len(kdocs) != len(pdocs):
            print("document counts differ: %d vs %d" % (len(kdocs), len(pdocs)))
            differences += 1
        for k, p in zip(kdocs, pdocs):
            if k != p:
                differences += 1
                print("DIFFERENCE\n--- kubectl kustomize\n%s\n--- pleo-render\n%s" % (
                    k.decode(errors="replace"), p.decode(errors="replace")))
        for n, t in bad.items():
            d = os.path.join(tmp, "bad-" + n)
            write_tree(d, {"obj.yaml": t})
            rc, _, err = render(binary, d)
            if rc == 0:
                differences += 1
                print("kubectl rejects but pleo-render accepts:\n%s" % t)
            elif not re.search(REJECTION[3:].encode(), err):
                differences += 1
                print("pleo-render's error does not name file, line and column:\n%s" % err)
    print("fidelity: seed %d, %d values (%d rejected by kubectl), %d differences" % (
        seed, count, len(bad), differences))
    return 1 if differences else 0


def split_accepted(objects, tmp):
    """Like accepted(), but tries everything at once first and bisects."""
    good, bad = {}, {}

    def attempt(batch):
        d = tempfile.mkdtemp(dir=tmp)
        write_tree(d, {n + ".yaml": t for n, t in batch.items()})
        rc, _, _ = kustomize(d)
        if rc == 0:
            good.update(batch)
        elif len(batch) == 1:
            bad.update(batch)
        else:
            items = sorted(batch.items())
            half = len(items) // 2
            attempt(dict(items[:half]))
            attempt(dict(items[half:]))
    attempt(objects)
    return good, bad


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("freeze")
    f.add_argument("corpus")
    d = sub.add_parser("diff")
    d.add_argument("binary")
    d.add_argument("--seed", type=int, default=None)
    d.add_argument("--count", type=int, default=2000)
    args = ap.parse_args()
    if args.cmd == "freeze":
        freeze(args.corpus)
        return 0
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    return differential(os.path.abspath(args.binary), seed, args.count)


if __name__ == "__main__":
    sys.exit(main())
