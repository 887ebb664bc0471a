#!/usr/bin/env bash
# Regenerates the goldens with kubectl kustomize (the specification).
# usage: tests/golden/regen.sh [CASE_DIR...]   (default: every testdata case
# plus the environments). Error cases keep their hand-written expected.error.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v kubectl >/dev/null || { echo "regen.sh needs kubectl" >&2; exit 1; }
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=("$root"/testdata/*/)
for c in "${cases[@]}"; do
  c=${c%/}
  [ -f "$c/expected.error" ] && continue
  build_dir=.
  [ -f "$c/build-dir" ] && build_dir=$(cat "$c/build-dir")
  flags=()
  [ -f "$c/build-flags" ] && mapfile -t flags < "$c/build-flags"
  err=$(mktemp)
  if ! (cd "$c" && kubectl kustomize "$build_dir" ${flags[@]+"${flags[@]}"}) > "$c/expected.yaml" 2>"$err"; then
    echo "kubectl rejected $c:" >&2; cat "$err" >&2; rm -f "$c/expected.yaml" "$err"; exit 1
  fi
  if grep -q '^# Warning' "$err"; then grep '^# Warning' "$err" > "$c/expected.warnings"; else rm -f "$c/expected.warnings"; fi
  rm -f "$err"
done
if [ $# -eq 0 ]; then
  mkdir -p "$root/tests/golden/environments"
  rm -f "$root"/tests/golden/environments/*
  for kfile in $(cd "$root" && find environments -name kustomization.yaml | sort | xargs grep -L '^kind: Component'); do
    env="$root/$(dirname "$kfile")"
    name=$(dirname "$kfile" | sed 's|^environments/||; s|/|-|g')
    kubectl kustomize "$env" > "$root/tests/golden/environments/$name.yaml" \
      2> "$root/tests/golden/environments/$name.warnings"
  done
fi
