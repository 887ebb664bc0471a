#!/usr/bin/env bash
# The project's own overlays must render exactly as their committed goldens
# (tests/golden/environments/<name>.yaml and .warnings, made by kubectl
# kustomize), stdout and deprecation warnings alike. When kubectl is
# installed the renders are also compared with it live.
# usage: check-environments.sh PLEO_RENDER PROJECT_ROOT
set -u
bin=$1 root=$2
status=0
# Every kustomization under environments/, nested ones (the per-service
# production units) included; golden names replace '/' with '-'. Components
# (environments/argocd/kustomize-tool, cmp-plugin) cannot be built alone:
# testdata/argocd-* build them over a stand-in of Argo CD's install.
for kfile in $(cd "$root" && find environments -name kustomization.yaml | sort | xargs grep -L '^kind: Component'); do
  env="$root/$(dirname "$kfile")"
  name=$(dirname "$kfile" | sed 's|^environments/||; s|/|-|g')
  golden="$root/tests/golden/environments/$name.yaml"
  if ! "$bin" build "$env" > "/tmp/pleo-env-$$.yaml" 2>"/tmp/pleo-env-$$.err"; then
    echo "FAIL: $name does not render"; status=1; continue
  fi
  if ! cmp -s "/tmp/pleo-env-$$.yaml" "$golden"; then
    echo "FAIL: $name differs from $golden"; diff -u "$golden" "/tmp/pleo-env-$$.yaml" | head -40; status=1
  fi
  if ! diff -u "$root/tests/golden/environments/$name.warnings" "/tmp/pleo-env-$$.err"; then
    echo "FAIL: $name warnings differ"; status=1
  fi
  if command -v kubectl >/dev/null 2>&1; then
    if ! kubectl kustomize "$env" 2>/dev/null | cmp -s - "/tmp/pleo-env-$$.yaml"; then
      echo "FAIL: $name differs from live kubectl kustomize"; status=1
    fi
  fi
done
rm -f "/tmp/pleo-env-$$.yaml" "/tmp/pleo-env-$$.err"
exit $status
