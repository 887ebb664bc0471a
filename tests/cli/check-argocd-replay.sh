#!/usr/bin/env bash
# Replays what Argo CD (util/kustomize/kustomize.go) runs against its
# kustomize binary, with pleo-render installed as `kustomize`, on a copy of
# an overlay: `version --short` parsed as Argo CD parses it, the edit
# commands an Application's spec.source.kustomize produces (in the
# overlay's directory), then `build PATH` with build options from the
# repository root. The result must equal kubectl kustomize of the edited
# copy, and the kustomization must hold what the edits asked for.
# Edits Argo CD issues that pleo-render does not have yet (set nameprefix/
# namesuffix, add label/annotation/component) are left out here.
# usage: check-argocd-replay.sh PLEO_RENDER PROJECT_ROOT
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") root=$(cd "$2" && pwd)
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$bin" "$work/kustomize"
kustomize=$work/kustomize
repo=$work/repo
mkdir -p "$repo" && cp -r "$root/resources" "$root/environments" "$repo/"
app=environments/production/tinjis

# getSemver: trim, strip braces, collapse double spaces, drop "kustomize/",
# then the first semantic version; components need >= 3.7.0, helm
# options >= 5.3.0.
v=$("$kustomize" version --short 2>/dev/null) || { echo "FAIL: version --short failed"; fail=1; }
v=$(printf '%s' "$v" | sed 's/^ *{//; s/} *$//; s/  / /g; s/^ *//; s|^kustomize/||')
semver=$(printf '%s' "$v" | grep -oE 'v?[0-9]+(\.[0-9]+)?(\.[0-9]+)?' | head -1)
[ "$semver" = v5.5.0 ] || { echo "FAIL: Argo CD would read kustomize version '$semver' from '$v'"; fail=1; }

# The edits, each run in the application's directory, as Argo CD does.
edit() { (cd "$repo/$app" && "$kustomize" edit "$@") || { echo "FAIL: edit $*"; fail=1; }; }
edit set image TINJIS_IMAGE_PLACEHOLDER=registry.example.com/tinjis:v2.0.0
edit set replicas app-tinjis=3
edit set namespace -- pleo-canary

# Build from the repository root with kustomize.buildOptions.
(cd "$repo" && "$kustomize" build "$app" --load-restrictor LoadRestrictionsRootOnly --enable-helm \
  --helm-kube-version 1.30 --helm-api-versions v1) > "$work/argocd.yaml" 2>"$work/err" \
  || { echo "FAIL: build with Argo CD's options"; cat "$work/err"; fail=1; }
grep -q 'image: registry.example.com/tinjis:v2.0.0' "$work/argocd.yaml" || { echo "FAIL: image not set"; fail=1; }
grep -q '^  replicas: 3$' "$work/argocd.yaml" || { echo "FAIL: replicas not set"; fail=1; }
grep -q '^  namespace: pleo-canary$' "$work/argocd.yaml" || { echo "FAIL: namespace not set"; fail=1; }
grep -q '^  namespace: pleo-stack$' "$work/argocd.yaml" && { echo "FAIL: objects left in pleo-stack"; fail=1; }
if command -v kubectl >/dev/null 2>&1; then
  (cd "$repo" && kubectl kustomize "$app") 2>/dev/null | cmp -s - "$work/argocd.yaml" \
    || { echo "FAIL: differs from kubectl kustomize of the edited overlay"; fail=1; }
fi

[ $fail -eq 0 ] && echo "Argo CD replay passed"
exit $fail
