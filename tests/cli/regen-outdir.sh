#!/usr/bin/env bash
# Regenerates the expected file sets of tests/cli/outdir/<case>/ with
# `kubectl kustomize CASE/in -o CASE/expected` (needs kubectl).
# usage: regen-outdir.sh [tests/cli/outdir/CASE]...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- "$here"/outdir/*/
for case in "$@"; do
  case=${case%/}
  rm -rf "$case/expected" && mkdir "$case/expected"
  kubectl kustomize "$case/in" -o "$case/expected"
  echo "regenerated $case: $(ls "$case/expected" | wc -l) files"
done
