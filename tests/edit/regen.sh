#!/usr/bin/env bash
# Regenerates what is derived in edit cases: expected.diff (before/ against
# the reviewed after.yaml) and expected.yaml (kubectl kustomize of before/
# with after.yaml in place). after.yaml itself is written by hand, never
# by pleo-render, so the cases test the edit instead of recording it.
# usage: tests/edit/regen.sh [CASE_DIR...]   (default: every case)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v kubectl >/dev/null || { echo "regen.sh needs kubectl" >&2; exit 1; }
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=("$root"/tests/edit/cases/*/)
for c in "${cases[@]}"; do
  c=${c%/}
  [ -f "$c/expected.error" ] && continue
  if [ -f "$c/file" ]; then
    file=$(cat "$c/file")
  else
    file=$(cd "$c/before" && ls kustomization.yaml kustomization.yml Kustomization 2>/dev/null | head -1)
  fi
  (diff -u "$c/before/$file" "$c/after.yaml" || true) | tail -n +3 > "$c/expected.diff"
  work=$(mktemp -d)
  cp -a "$c/before" "$work/tree"
  cp "$c/after.yaml" "$work/tree/$file"
  if ! kubectl kustomize "$work/tree/$(dirname "$file")" > "$c/expected.yaml"; then
    echo "kubectl rejected the edited tree of $c" >&2; rm -rf "$work"; exit 1
  fi
  rm -rf "$work"
done
