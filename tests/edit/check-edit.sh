#!/usr/bin/env bash
# Runs one `pleo-render edit` golden case in a scratch copy of its tree.
# usage: check-edit.sh PLEO_RENDER CASE_DIR
#
# A case directory holds
#   before/         the tree as it is before the edit
#   args            what follows `pleo-render edit` (split on blanks), run
#                   from the top of the copied tree
#   file            optional: the kustomization file that is edited,
#                   relative to before/ (default: the one at its top)
# and either
#   after.yaml      that file, byte for byte, after the edit
#   expected.diff   `diff -u` of before and after, headers left out: the
#                   lines the edit may touch, for review
#   expected.yaml   kubectl kustomize of the edited tree (tests/edit/regen.sh)
#   expected.stderr optional: lines that must appear on stderr
#   rerun           optional: "fails" when kustomize fails the same edit
#                   a second time (add base, add label without --force)
# or
#   expected.error  lines that must appear on stderr; the edit must fail
#   exit            optional: the exit status wanted (default 1)
#                   and leave every file as it was.
# A successful edit must also keep the file's mode, leave no temporary
# file, render as expected.yaml (and as live kubectl kustomize when
# kubectl is installed), and change nothing when run a second time.
set -u
bin=$1 case_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$case_dir/before" "$work/tree"
read -r -a args < "$case_dir/args"
if [ -f "$case_dir/file" ]; then
  file=$(cat "$case_dir/file")
else
  file=$(cd "$work/tree" && ls kustomization.yaml kustomization.yml Kustomization 2>/dev/null | head -1)
fi
[ -n "$file" ] && [ -f "$work/tree/$file" ] && chmod 640 "$work/tree/$file"
cp -a "$work/tree" "$work/orig"
(cd "$work/tree" && "$bin" edit "${args[@]}") >"$work/out" 2>"$work/err"
rc=$?
if [ $rc -gt 128 ]; then echo "FAIL: crashed with signal $((rc-128))"; cat "$work/err"; exit 1; fi
if [ -s "$work/out" ]; then echo "FAIL: edit wrote to stdout"; cat "$work/out"; exit 1; fi

if [ -f "$case_dir/expected.error" ]; then
  want=1
  [ -f "$case_dir/exit" ] && want=$(cat "$case_dir/exit")
  if [ $rc -ne "$want" ]; then echo "FAIL: exit $rc, want $want"; cat "$work/err"; exit 1; fi
  while IFS= read -r needle; do
    [ -z "$needle" ] && continue
    if ! grep -qF -- "$needle" "$work/err"; then
      echo "FAIL: error message lacks '$needle':"; cat "$work/err"; exit 1
    fi
  done < "$case_dir/expected.error"
  if ! diff -r "$work/orig" "$work/tree" >/dev/null; then
    echo "FAIL: a failed edit changed the tree:"; diff -ru "$work/orig" "$work/tree"; exit 1
  fi
  exit 0
fi

if [ $rc -ne 0 ]; then echo "FAIL: exit $rc"; cat "$work/err"; exit 1; fi
if ! cmp -s "$work/tree/$file" "$case_dir/after.yaml"; then
  echo "FAIL: $file differs from after.yaml"; diff -u "$case_dir/after.yaml" "$work/tree/$file"; exit 1
fi
if ! diff -u "$case_dir/before/$file" "$work/tree/$file" | tail -n +3 | cmp -s - "$case_dir/expected.diff"; then
  echo "FAIL: the edit's diff differs from expected.diff"; diff -u "$case_dir/before/$file" "$work/tree/$file"; exit 1
fi
if [ -f "$case_dir/expected.stderr" ]; then
  while IFS= read -r needle; do
    [ -z "$needle" ] && continue
    if ! grep -qF -- "$needle" "$work/err"; then
      echo "FAIL: stderr lacks '$needle':"; cat "$work/err"; exit 1
    fi
  done < "$case_dir/expected.stderr"
fi
if [ "$(stat -c %a "$work/tree/$file")" != 640 ]; then echo "FAIL: the edit changed the file mode"; exit 1; fi
if ls -A "$work/tree/$(dirname "$file")" | grep -q '\.tmp'; then echo "FAIL: temporary file left behind"; exit 1; fi
# Only the kustomization file may change.
if ! diff -r -x "$(basename "$file")" "$work/orig" "$work/tree" >/dev/null; then
  echo "FAIL: the edit changed other files"; diff -r "$work/orig" "$work/tree"; exit 1
fi

build_dir="$work/tree/$(dirname "$file")"
if ! "$bin" build "$build_dir" >"$work/render" 2>"$work/render.err"; then
  echo "FAIL: the edited tree does not render:"; cat "$work/render.err"; exit 1
fi
if ! cmp -s "$work/render" "$case_dir/expected.yaml"; then
  echo "FAIL: the edited tree renders differently from expected.yaml"
  diff -u "$case_dir/expected.yaml" "$work/render" | head -40; exit 1
fi
if command -v kubectl >/dev/null 2>&1; then
  if ! kubectl kustomize "$build_dir" 2>/dev/null | cmp -s - "$work/render"; then
    echo "FAIL: the edited tree renders differently from live kubectl kustomize"; exit 1
  fi
fi

# Running the same edit again changes nothing.
cp "$work/tree/$file" "$work/once"
if [ "$(cat "$case_dir/rerun" 2>/dev/null)" = fails ]; then
  if (cd "$work/tree" && "$bin" edit "${args[@]}") >/dev/null 2>"$work/err"; then
    echo "FAIL: the second run succeeded; kustomize fails it"; exit 1
  fi
elif ! (cd "$work/tree" && "$bin" edit "${args[@]}") >/dev/null 2>"$work/err"; then
  echo "FAIL: the second run failed"; cat "$work/err"; exit 1
fi
if ! cmp -s "$work/once" "$work/tree/$file"; then
  echo "FAIL: a second run changed the file again"; diff -u "$work/once" "$work/tree/$file"; exit 1
fi
exit 0
