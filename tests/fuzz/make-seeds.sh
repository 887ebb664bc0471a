#!/usr/bin/env bash
# Builds seed corpora for the fuzz targets from testdata/ (nothing is
# committed: seeds are always derived from the current golden cases).
# usage: tests/fuzz/make-seeds.sh OUT_DIR
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
mkdir -p "$out/yaml" "$out/build" "$out/json6902" "$out/smp" "$out/edit"
n=0
for f in "$root"/testdata/*/*.yaml "$root"/testdata/*/*/*.yaml "$root"/resources/base/*/*.yaml; do
  [ -f "$f" ] || continue
  n=$((n+1)); cp "$f" "$out/yaml/seed-$n.yaml"
done
# One archive per single-directory case: kustomization first, then files.
for c in "$root"/testdata/*/; do
  [ -f "$c/kustomization.yaml" ] || continue
  name=$(basename "$c")
  {
    cat "$c/kustomization.yaml"
    for f in "$c"*; do
      base=$(basename "$f")
      case "$base" in kustomization.yaml|expected.*|build-dir) continue ;; esac
      [ -f "$f" ] || continue
      printf '\n=== %s\n' "$base"; cat "$f"
    done
  } > "$out/build/$name"
done
# Trees of several directories (bases, overlays, components): every file
# under its path in the case. A case built from a subdirectory gets a root
# kustomization that includes it.
for c in "$root"/testdata/*/; do
  name=$(basename "$c")
  [ -n "$(find "$c" -mindepth 1 -type d | head -1)" ] || continue
  build_dir=.
  [ -f "$c/build-dir" ] && build_dir=$(cat "$c/build-dir")
  {
    if [ "$build_dir" = . ] && [ -f "$c/kustomization.yaml" ]; then cat "$c/kustomization.yaml"
    else printf 'resources:\n- %s\n' "$build_dir"; fi
    (cd "$c" && find . -type f ! -name 'expected.*' ! -name build-dir | sed 's|^\./||' | sort) |
      while IFS= read -r f; do
        [ "$f" = kustomization.yaml ] && [ "$build_dir" = . ] && continue
        printf '\n=== %s\n' "$f"; cat "$c/$f"
      done
  } > "$out/build/tree-$name"
done
printf 'a: {x: [1, 2]}\n---\n- {op: add, path: /a/x/-, value: 3}\n- {op: move, from: /a/x, path: /b}\n' > "$out/json6902/seed-1"
printf 'spec: {strategy: {type: RollingUpdate}}\n---\n- op: replace\n  path: /spec/strategy\n  value: {type: Recreate}\n- {op: test, path: /spec/strategy/type, value: Recreate}\n' > "$out/json6902/seed-2"
printf 'm: {a~b: 1, c/d: 2}\n---\n- {op: copy, from: /m/a~0b, path: /m/c~1e}\n- {op: remove, path: /m/c~1d}\n' > "$out/json6902/seed-3"
# Strategic merge: an object, then a patch (the target reads the first and
# the last document).
n=0
for c in "$root"/testdata/smp-*/; do
  for p in "$c"patch.yaml "$c"several.yaml; do
    [ -f "$p" ] || continue
    for r in "$c"*.yaml; do
      case "$(basename "$r")" in kustomization.yaml|expected.yaml|patch.yaml|several.yaml) continue ;; esac
      n=$((n+1)); { cat "$r"; printf '\n---\n'; cat "$p"; } > "$out/smp/seed-$n"
    done
  done
done
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, finalizers: [a]}\nspec: {containers: [{name: a, ports: [{containerPort: 80}]}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, finalizers: [b]}\nspec: {containers: [{name: b}, {name: a, ports: [{containerPort: 80, protocol: UDP}], $patch: merge}], volumes: [{$patch: replace}]}\n' > "$out/smp/seed-hand-1"
printf 'apiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\nspec: {t: {apiVersion: v1, kind: Service, spec: {ports: [{port: 1}]}}, l: [1]}\n---\napiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\nspec: {t: {spec: {ports: [{port: 2}, {$patch: delete}]}}, l: null, $patch: merge}\n' > "$out/smp/seed-hand-2"
# Edit seeds: the command line, then the kustomization before the edit.
for c in "$root"/tests/edit/cases/*/; do
  name=$(basename "$c")
  if [ -f "$c/file" ]; then k=$(cat "$c/file"); else
    k=$(cd "$c/before" && ls kustomization.yaml kustomization.yml Kustomization 2>/dev/null | head -1); fi
  [ -n "$k" ] || continue
  { sed 's/^-C [^ ]* //' "$c/args"; cat "$c/before/$k"; } > "$out/edit/$name"
done
