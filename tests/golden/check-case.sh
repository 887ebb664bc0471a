#!/usr/bin/env bash
# Renders one golden case and compares it with what kubectl kustomize produced.
# usage: check-case.sh PLEO_RENDER CASE_DIR
#
# A case directory holds an input tree, optionally `build-dir` (one line: the
# subdirectory to build, default "."), and either
#   expected.yaml      - byte-exact stdout, plus expected.warnings when
#                        kustomize printed deprecation warnings, or
#   expected.error     - kustomize rejected the tree (or it uses a field
#                        pleo-render does not support yet); each line of this
#                        file must appear in pleo-render's error message
#                        (a line "re:REGEX" must match as an extended
#                        regex), and stdout must stay empty.
# Optional: `build-flags` (one flag a line) given to both renderers, and
# `expected.from` (one line: a subdirectory) when kubectl cannot run the case
# itself (exec KRM functions need --enable-exec, which kubectl lacks):
# expected.yaml is then kubectl's render of that subdirectory, a tree that
# reaches the same result with builtin fields, and the live comparison
# renders it instead.
# When kubectl is installed, successful cases are also compared with a live
# `kubectl kustomize` run, so a stale golden cannot hide a difference.
set -u
bin=$1 case_dir=$2
build_dir=.
[ -f "$case_dir/build-dir" ] && build_dir=$(cat "$case_dir/build-dir")
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
flags=()
[ -f "$case_dir/build-flags" ] && mapfile -t flags < "$case_dir/build-flags"
(cd "$case_dir" && "$bin" build "$build_dir" "${flags[@]}") >"$out" 2>"$err"
rc=$?
if [ -f "$case_dir/expected.error" ]; then
  if [ $rc -eq 0 ]; then echo "FAIL: expected an error, got exit 0"; exit 1; fi
  if [ $rc -gt 128 ]; then echo "FAIL: crashed with signal $((rc-128))"; cat "$err"; exit 1; fi
  if [ -s "$out" ]; then echo "FAIL: output on stdout despite the error"; exit 1; fi
  while IFS= read -r needle; do
    [ -z "$needle" ] && continue
    if [ "${needle#re:}" != "$needle" ]; then
      grep -qE -- "${needle#re:}" "$err" && continue
      echo "FAIL: error message does not match '${needle#re:}':"; cat "$err"; exit 1
    fi
    if ! grep -qF -- "$needle" "$err"; then
      echo "FAIL: error message lacks '$needle':"; cat "$err"; exit 1
    fi
  done < "$case_dir/expected.error"
  exit 0
fi
if [ $rc -ne 0 ]; then echo "FAIL: exit $rc"; cat "$err"; exit 1; fi
if ! cmp -s "$out" "$case_dir/expected.yaml"; then
  echo "FAIL: output differs from expected.yaml"; diff -u "$case_dir/expected.yaml" "$out" | head -60; exit 1
fi
if command -v kubectl >/dev/null 2>&1; then
  live_dir=$build_dir live_flags=("${flags[@]}")
  if [ -f "$case_dir/expected.from" ]; then live_dir=$(cat "$case_dir/expected.from"); live_flags=(); fi
  if ! (cd "$case_dir" && kubectl kustomize "$live_dir" "${live_flags[@]}" 2>/dev/null) | cmp -s - "$out"; then
    echo "FAIL: output differs from live kubectl kustomize"; exit 1
  fi
fi
want_warnings=/dev/null
[ -f "$case_dir/expected.warnings" ] && want_warnings="$case_dir/expected.warnings"
if ! diff -u "$want_warnings" <(grep '^# Warning' "$err") >/dev/null; then
  echo "FAIL: warnings differ"; diff -u "$want_warnings" <(grep '^# Warning' "$err"); exit 1
fi
exit 0
