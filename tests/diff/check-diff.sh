#!/usr/bin/env bash
# Runs `pleo-render diff` on one scenario and compares every report byte for
# byte with the committed expectations.
# usage: check-diff.sh PLEO_RENDER SCENARIO_DIR
#
# A scenario holds two trees, old/ and new/, and a file `cases` with one line
# per run: NAME STATUS [ARGS...]. Each run is `pleo-render diff ARGS old new`
# from the scenario directory; it must exit with STATUS, print exactly
# expected.NAME on stdout and, when expected.NAME.stderr exists, exactly that
# on stderr. With REGEN=1 the expectations are rewritten from the output
# instead (then read them: they are the specification).
set -u
bin=$(realpath "$1") dir=$2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fail=0
while read -r name status args; do
  [ -z "$name" ] && continue
  # shellcheck disable=SC2086
  (cd "$dir" && "$bin" diff $args old new) >"$out" 2>"$err"
  rc=$?
  if [ "${REGEN:-0}" = 1 ]; then
    cp "$out" "$dir/expected.$name"
    if [ -s "$err" ]; then cp "$err" "$dir/expected.$name.stderr"; else rm -f "$dir/expected.$name.stderr"; fi
    [ "$rc" = "$status" ] || echo "NOTE: $name exits $rc, cases says $status"
    continue
  fi
  if [ "$rc" != "$status" ]; then
    echo "FAIL: $name: exit $rc, expected $status"; cat "$err"; fail=1
  fi
  if ! cmp -s "$out" "$dir/expected.$name"; then
    echo "FAIL: $name: stdout differs from expected.$name"
    diff -u "$dir/expected.$name" "$out" | head -40; fail=1
  fi
  if grep -q -- '--format json' <<<"$args" && command -v python3 >/dev/null &&
     ! python3 -c 'import json,sys; json.load(sys.stdin)' <"$out"; then
    echo "FAIL: $name: not valid JSON"; fail=1
  fi
  if [ -f "$dir/expected.$name.stderr" ]; then
    if ! cmp -s "$err" "$dir/expected.$name.stderr"; then
      echo "FAIL: $name: stderr differs"; diff -u "$dir/expected.$name.stderr" "$err"; fail=1
    fi
  elif [ -s "$err" ]; then
    echo "FAIL: $name: unexpected stderr:"; cat "$err"; fail=1
  fi
done < "$dir/cases"
exit $fail
