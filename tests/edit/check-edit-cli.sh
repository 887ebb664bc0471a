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

# add generator|transformer: a pattern matching nothing is reported and
# skipped, as kustomize's GlobPatterns does; none matching leaves the file.
cp "$work/a/b/kustomization.yml" "$work/before.yml"
check "add generator matching nothing" 0 "$bin" edit -C "$work/a/b" add generator 'gen-*.yaml'
grep -q 'gen-\*.yaml has no match' "$work/err" || { echo "FAIL: no-match warning for add generator"; cat "$work/err"; fail=1; }
cmp -s "$work/before.yml" "$work/a/b/kustomization.yml" || { echo "FAIL: add generator matching nothing changed the file"; fail=1; }
check "remove configmap takes --namespace only" 2 "$bin" edit -C "$work/a/b" remove configmap x --force

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

# A dangling kustomization symlink is reported as one, not as a missing file.
mkdir -p "$work/dangling"
ln -s gone.yaml "$work/dangling/kustomization.yaml"
check "a dangling kustomization symlink" 1 "$bin" edit -C "$work/dangling" set namespace x
grep -q "kustomization.yaml is a broken symlink: its target 'gone.yaml' does not exist" "$work/err" \
  || { echo "FAIL: a dangling kustomization symlink"; cat "$work/err"; fail=1; }
[ -L "$work/dangling/kustomization.yaml" ] && [ ! -e "$work/dangling/gone.yaml" ] \
  || { echo "FAIL: the dangling link was followed"; fail=1; }

# A directory named like a kustomization.
mkdir -p "$work/d/kustomization.yaml"
check "kustomization.yaml is a directory" 1 "$bin" edit -C "$work/d" set namespace x
check "missing directory" 1 "$bin" edit -C "$work/nowhere" set namespace x

# --help and -h on every command, in an empty directory (no kustomization
# needed), on stdout, exit 0.
mkdir -p "$work/empty"
for c in "set image" "set namespace" "set replicas" "set nameprefix" "set namesuffix" \
         "set label" "set annotation" "set configmap" "set secret" "add resource" \
         "add component" "add base" "add label" "add annotation" "add buildmetadata" \
         "add configmap" "add secret" "add patch" "remove resource" "remove component" \
         "remove label" "remove annotation" "remove patch" "fix" "listbuiltin" \
         "add generator" "add transformer" "remove transformer" "set buildmetadata" \
         "remove buildmetadata" "remove configmap" "remove secret"; do
  for h in --help -h; do
    # shellcheck disable=SC2086
    check "edit $c $h" 0 env -C "$work/empty" "$bin" edit $c $h
    grep -q "^usage: pleo-render edit" "$work/out" || { echo "FAIL: edit $c $h prints no usage"; fail=1; }
  done
done
check "listbuiltin" 0 "$bin" edit listbuiltin
grep -q '^ \* PatchTransformer$' "$work/out" || { echo "FAIL: listbuiltin lacks PatchTransformer"; fail=1; }
check "an option another command has" 2 env -C "$work/empty" "$bin" edit set namespace --force x
[ "$(cat "$work/err")" = "pleo-render: unknown option '--force' (see pleo-render edit set namespace --help)" ] \
  || { echo "FAIL: an unknown option gets one hint naming the command"; cat "$work/err"; fail=1; }
check "fix --vars is refused" 2 env -C "$work/empty" "$bin" edit fix --vars

# set image warns when NAME:TAG drops a newName, and when no container
# of the rendered tree uses the image; the edit is still made.
mkdir -p "$work/img"
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: app:1\n' > "$work/img/pod.yaml"
printf 'resources:\n- pod.yaml\nimages:\n- name: app\n  newName: registry/app\n  newTag: "1"\n' > "$work/img/kustomization.yaml"
check "set image dropping newName" 0 "$bin" edit -C "$work/img" set image app:2
grep -q 'drops newName registry/app' "$work/err" || { echo "FAIL: no warning for a dropped newName"; cat "$work/err"; fail=1; }
grep -q 'no container' "$work/err" && { echo "FAIL: app is used, yet warned unused"; fail=1; }
check "set image of an unused name" 0 "$bin" edit -C "$work/img" set image nginx:1.27
grep -q 'no container of the rendered tree uses image nginx' "$work/err" || { echo "FAIL: no warning for an unused image"; cat "$work/err"; fail=1; }

# Globs are Go's filepath.Glob and Match, as kustomize's: a pattern
# ending in '/' never yields "." or "..", '[!l]' is the set {!, l} (only
# '^' negates), and a malformed pattern is kustomize's "syntax error in
# pattern" (exit 1) wherever a command globs or matches.
mkdir -p "$work/g/gen" "$work/g/tr"
touch "$work/g/gen/cm.yaml" "$work/g/tr/labels.yaml" "$work/g/tr/ann.yaml" "$work/g/.hidden.yaml"
printf 'transformers:\n- tr/labels.yaml\n- tr/ann.yaml\n' > "$work/g/kustomization.yaml"
cp "$work/g/kustomization.yaml" "$work/g.before"
check "add resource '*/*/'" 1 "$bin" edit -C "$work/g" add resource '*/*/'
grep -q "has no match" "$work/err" || { echo "FAIL: '*/*/' matched something"; cat "$work/err"; fail=1; }
cmp -s "$work/g.before" "$work/g/kustomization.yaml" || { echo "FAIL: '*/*/' changed the file"; cat "$work/g/kustomization.yaml"; fail=1; }
for c in "add resource" "add component" "add generator" "add transformer" \
         "remove resource" "remove component" "remove transformer"; do
  # shellcheck disable=SC2086
  check "$c with a malformed pattern" 1 "$bin" edit -C "$work/g" $c '['
  grep -q "syntax error in pattern '\['" "$work/err" || { echo "FAIL: $c '[': no syntax error"; cat "$work/err"; fail=1; }
done
check "add configmap --from-file with a malformed pattern" 1 \
  "$bin" edit -C "$work/g" add configmap c '--from-file=tr/[]a]'
grep -q "syntax error in pattern" "$work/err" || { echo "FAIL: --from-file '[]a]': no syntax error"; cat "$work/err"; fail=1; }
cmp -s "$work/g.before" "$work/g/kustomization.yaml" || { echo "FAIL: a malformed pattern changed the file"; fail=1; }
check "add resource skips hidden files" 0 "$bin" edit -C "$work/g" add resource '*.yaml'
grep -q hidden "$work/g/kustomization.yaml" && { echo "FAIL: '*.yaml' added a hidden file"; fail=1; }
check "remove transformer '[!l]*' as Go reads it" 0 "$bin" edit -C "$work/g" remove transformer 'tr/[!l]*'
printf 'transformers:\n- tr/ann.yaml\n' | cmp -s - "$work/g/kustomization.yaml" \
  || { echo "FAIL: tr/[!l]* should remove tr/labels.yaml only"; cat "$work/g/kustomization.yaml"; fail=1; }

# A path that matches nothing: advice that fits the command.
check "--from-file matching nothing" 1 "$bin" edit -C "$work/g" add configmap c --from-file=nope.txt
grep -q "nope.txt has no match (paths are relative to the kustomization's directory, $work/g)" "$work/err" \
  || { echo "FAIL: --from-file no-match advice"; cat "$work/err"; fail=1; }
grep -q -- "--no-verify" "$work/err" && { echo "FAIL: --from-file advises --no-verify"; fail=1; }
check "add component matching nothing" 1 "$bin" edit -C "$work/g" add component nope
grep -q -- "--no-verify" "$work/err" && { echo "FAIL: add component advises --no-verify"; fail=1; }

# A kustomization its owner made read-only is left alone, with advice
# that names it (root may write anything: the check runs as nobody then).
mkdir -p "$work/ro"
printf 'resources:\n- a.yaml\n' > "$work/ro/kustomization.yaml"
touch "$work/ro/a.yaml" "$work/ro/b.yaml"
chmod 444 "$work/ro/kustomization.yaml"
as_user=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  chmod 755 "$work"
  chown -R 65534:65534 "$work/ro"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" != 0 ] || [ ${#as_user[@]} -gt 0 ]; then
  check "a read-only kustomization" 1 "${as_user[@]}" "$bin" edit -C "$work/ro" add resource b.yaml
  grep -q "cannot write the kustomization file '$work/ro/kustomization.yaml': Permission denied; make it writable" "$work/err" \
    || { echo "FAIL: read-only kustomization message"; cat "$work/err"; fail=1; }
  printf 'resources:\n- a.yaml\n' | cmp -s - "$work/ro/kustomization.yaml" || { echo "FAIL: a read-only kustomization changed"; fail=1; }
fi

[ $fail -eq 0 ] && echo "edit command-line checks passed"
exit $fail
