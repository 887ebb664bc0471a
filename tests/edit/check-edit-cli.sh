#!/usr/bin/env bash
# Command-line contract of `pleo-render edit` beyond the golden cases:
# help and usage errors, -C as git has it, globs relative to the
# kustomization, symlinks, and leaving an unchanged file alone.
# usage: check-edit-cli.sh PLEO_RENDER
set -u
bin=$1
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check() { # description, expected status, command...
  local what=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"; local rc=$?
  if [ "$rc" -ne "$want" ]; then echo "FAIL: $what: exit $rc, want $want"; cat "$work/err"; fail=1; fi
}

check "edit --help" 0 "$bin" edit --help
grep -q '^usage: pleo-render edit' "$work/out" || { echo "FAIL: edit --help prints usage on stdout"; fail=1; }
check "edit without a command" 2 "$bin" edit
check "edit set without a noun" 2 "$bin" edit set
check "-C without a directory" 2 "$bin" edit -C
check "unknown option before the command" 2 "$bin" edit --frobnicate set namespace x

# -C accumulates; globs are relative to the kustomization, not the cwd.
mkdir -p "$work/a/b"
printf 'resources:\n- one.yaml\n' > "$work/a/b/kustomization.yml"
touch "$work/a/b/one.yaml" "$work/a/b/two.yaml" "$work/tee.yaml"
check "-- ends the options" 1 env -C "$work" "$bin" edit -C a -C b add resource -- --literal.yaml
grep -q -- '--literal.yaml has no match' "$work/err" || { echo "FAIL: -- did not end the options"; fail=1; }
check "relative -C twice, a glob in the kustomization's directory" 0 \
  env -C "$work" "$bin" edit -C a -C b add resource 't*.yaml'
printf 'resources:\n- one.yaml\n- two.yaml\n' | cmp -s - "$work/a/b/kustomization.yml" \
  || { echo "FAIL: add resource through -C -C"; cat "$work/a/b/kustomization.yml"; fail=1; }
check "a path that matches nothing" 1 "$bin" edit -C "$work/a/b" add resource three.yaml
grep -q 'three.yaml has no match' "$work/err" || { echo "FAIL: no-match message"; fail=1; }
check "--no-verify" 0 "$bin" edit -C "$work/a/b" add resource --no-verify https://example.com/x?ref=v1
grep -q '^- https://example.com/x?ref=v1$' "$work/a/b/kustomization.yml" \
  || { echo "FAIL: --no-verify did not add the path as given"; fail=1; }

# Nothing to change: the file is not rewritten.
touch -d '2001-01-01 00:00:00' "$work/a/b/kustomization.yml"
check "nothing to change" 0 "$bin" edit -C "$work/a/b" add resource one.yaml
grep -q 'resource one.yaml already in kustomization file' "$work/err" \
  || { echo "FAIL: duplicate resource not reported"; fail=1; }
[ "$(stat -c %Y "$work/a/b/kustomization.yml")" = "$(date -d '2001-01-01 00:00:00' +%s)" ] \
  || { echo "FAIL: an edit that changes nothing rewrote the file"; fail=1; }

# A symlinked kustomization: the link stays, its target changes.
mkdir -p "$work/s/shared"
printf 'namespace: a\n' > "$work/s/shared/k.yaml"
ln -s shared/k.yaml "$work/s/kustomization.yaml"
check "edit through a symlink" 0 "$bin" edit -C "$work/s" set namespace b
[ -L "$work/s/kustomization.yaml" ] || { echo "FAIL: the symlink was replaced by a file"; fail=1; }
printf 'namespace: b\n' | cmp -s - "$work/s/shared/k.yaml" || { echo "FAIL: symlink target not edited"; fail=1; }
ls "$work/s/shared" | grep -q tmp && { echo "FAIL: temporary file left behind"; fail=1; }

# A directory named like a kustomization.
mkdir -p "$work/d/kustomization.yaml"
check "kustomization.yaml is a directory" 1 "$bin" edit -C "$work/d" set namespace x
check "missing directory" 1 "$bin" edit -C "$work/nowhere" set namespace x

[ $fail -eq 0 ] && echo "edit command-line checks passed"
exit $fail
