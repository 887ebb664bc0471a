#!/usr/bin/env bash
# Replays Argo CD's sequence of `kustomize edit` calls (tests/edit/argocd/
# argocd.args, taken from Argo CD's util/kustomize/kustomize.go) against
# pleo-render on a copy of an application's overlay, then builds it as
# Argo CD does (`build PATH BUILD_OPTIONS` from the repository root).
# The render must equal expected.yaml, which is `kubectl kustomize` of the
# same tree holding expected-kustomization.yaml (what kustomize's own edit
# commands leave); with kubectl installed, that is checked live too.
# usage: argocd-replay.sh PLEO_RENDER
set -u
bin=$1
here=$(cd "$(dirname "$0")/argocd" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
app=apps/shop
build_options="--load-restrictor LoadRestrictionsNone"
cp -a "$here/tree" "$work/repo"
cp -a "$here/tree" "$work/want"
cp "$here/expected-kustomization.yaml" "$work/want/$app/kustomization.yaml"

while IFS= read -r line; do
  case $line in '#'*|'') continue ;; esac
  read -r -a args <<<"$line"
  if ! (cd "$work/repo/$app" && "$bin" "${args[@]}") >"$work/out" 2>"$work/err"; then
    echo "FAIL: pleo-render ${args[*]}"; cat "$work/err"; exit 1
  fi
  if [ -s "$work/out" ]; then echo "FAIL: pleo-render ${args[*]} wrote to stdout"; exit 1; fi
done < "$here/argocd.args"

# shellcheck disable=SC2086
if ! (cd "$work/repo" && "$bin" build "$app" $build_options) >"$work/render" 2>"$work/render.err"; then
  echo "FAIL: the edited overlay does not render:"; cat "$work/render.err"; exit 1
fi
if ! cmp -s "$work/render" "$here/expected.yaml"; then
  echo "FAIL: the replayed overlay renders differently from expected.yaml"
  diff -u "$here/expected.yaml" "$work/render" | head -60; exit 1
fi
# The overlay's comments survive the edits.
for c in "# The shop, as Argo CD renders it" "# overwritten by the Application"; do
  if ! grep -qF -- "$c" "$work/repo/$app/kustomization.yaml"; then
    echo "FAIL: the edits lost the comment '$c'"; cat "$work/repo/$app/kustomization.yaml"; exit 1
  fi
done
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize "$work/want/$app" >"$work/want.render" 2>/dev/null
  kubectl kustomize "$work/repo/$app" >"$work/got.render" 2>/dev/null
  if ! cmp -s "$work/want.render" "$here/expected.yaml"; then
    echo "FAIL: expected.yaml is stale: kubectl kustomize of expected-kustomization.yaml differs"
    diff -u "$here/expected.yaml" "$work/want.render" | head -40; exit 1
  fi
  if ! cmp -s "$work/got.render" "$work/want.render"; then
    echo "FAIL: kubectl kustomize of the replayed overlay differs from the expected kustomization"
    diff -u "$work/want.render" "$work/got.render" | head -40; exit 1
  fi
fi
exit 0
