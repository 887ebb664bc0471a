#!/usr/bin/env bash
# Remote bases and remote files, against kubectl kustomize. No network:
# git repositories are made here and named by file:// URLs, and http files
# come from a python http.server on 127.0.0.1 that lives for this script.
# usage: check-remote.sh PLEO_RENDER
set -u
bin=$1
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail=0
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
# git >= 2.38 refuses file:// submodules unless allowed; kustomize and
# pleo-render run the same git, so both get the setting.
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=protocol.file.allow GIT_CONFIG_VALUE_0=always

cm() { printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  v: %s\n' "$1" "$2"; }

# A repository with a base, a component, a base that reaches outside its
# directory, and two commits (tag v1 on the first).
repo=$work/repo
mkdir -p "$repo/base" "$repo/comp" "$repo/leaky" "$repo/nested/app"
( cd "$repo" && git init -q -b main
  cm cm one > base/cm.yaml
  printf 'resources:\n- cm.yaml\nnamePrefix: remote-\n' > base/kustomization.yaml
  printf 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs:\n    from: component\n' > comp/kustomization.yaml
  printf 'resources:\n- ../base/cm.yaml\n' > leaky/kustomization.yaml
  printf 'resources:\n- ../../base\nnameSuffix: -nested\n' > nested/app/kustomization.yaml
  git add -A && git commit -qm one && git tag v1
  cm cm two > base/cm.yaml && git commit -qam two )
git clone -q --bare "$repo" "$work/bare.git"
# A repository whose base comes from a submodule.
sub=$work/withsub
mkdir -p "$sub" && ( cd "$sub" && git init -q -b main && git submodule add -q "file://$repo" vendor 2>/dev/null &&
  printf 'resources:\n- vendor/base\nnameSuffix: -sub\n' > kustomization.yaml && git add -A && git commit -qm sub )

# A file server for http entries, bounded by this script's life.
mkdir -p "$work/www"
cm served web > "$work/www/cm.yaml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/www" && exec timeout 120 python3 -m http.server "$port" --bind 127.0.0.1) >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

# same NAME FLAGS...: a tree in $work/NAME must render as kubectl renders it.
same() {
  local name=$1; shift
  if ! kubectl kustomize "$work/$name" "$@" > "$work/$name.want" 2> "$work/$name.kerr"; then
    echo "FAIL: $name: kubectl kustomize failed:"; cat "$work/$name.kerr"; fail=1; return
  fi
  if ! "$bin" build "$work/$name" "$@" > "$work/$name.got" 2> "$work/$name.err"; then
    echo "FAIL: $name: pleo-render failed:"; cat "$work/$name.err"; fail=1; return
  fi
  cmp -s "$work/$name.want" "$work/$name.got" ||
    { echo "FAIL: $name differs from kubectl kustomize"; diff -u "$work/$name.want" "$work/$name.got" | head -30; fail=1; }
}
# fails NAME NEEDLE...: kubectl and pleo-render both fail; pleo-render's message has each needle.
fails() {
  local name=$1; shift
  kubectl kustomize "$work/$name" > /dev/null 2>&1 && { echo "FAIL: $name: kubectl kustomize succeeded"; fail=1; }
  if "$bin" build "$work/$name" > "$work/$name.got" 2> "$work/$name.err"; then
    echo "FAIL: $name: pleo-render succeeded"; fail=1; return
  fi
  [ -s "$work/$name.got" ] && { echo "FAIL: $name: output despite the error"; fail=1; }
  for needle in "$@"; do
    grep -qF -- "$needle" "$work/$name.err" || { echo "FAIL: $name: message lacks '$needle':"; cat "$work/$name.err"; fail=1; }
  done
}
tree() { mkdir -p "$work/$1"; cat > "$work/$1/kustomization.yaml"; }

tree refs <<K
resources:
- file://$repo//base?ref=v1
- head
- file://$work/bare.git/nested/app?version=v1&timeout=20&submodules=false
components:
- file://$repo//comp?ref=main
K
mkdir -p "$work/refs/head" && printf 'resources:\n- file://%s//base\nnameSuffix: -head\n' "$repo" > "$work/refs/head/kustomization.yaml"
same refs
same refs --load-restrictor LoadRestrictionsNone

tree submodules <<K
resources:
- file://$sub
K
same submodules

# Origins inside remote bases record the repository and ref, with paths
# from the repository's root ("notCloned" for the root itself, as kustomize
# writes it).
tree origins <<K
resources:
- file://$repo//base?ref=v1
- file://$work/bare.git/nested/app?version=v1&submodules=false
- file://$sub
components:
- file://$repo//comp?ref=main
buildMetadata: [originAnnotations, transformerAnnotations]
K
same origins

tree http <<K
resources:
- http://127.0.0.1:$port/cm.yaml
K
same http

tree badref <<K
resources:
- file://$repo//base?ref=no-such-ref
K
fails badref "file://$repo//base?ref=no-such-ref" "git fetch --depth=1 file://$repo no-such-ref" "couldn't find remote ref no-such-ref"

tree norepo <<K
resources:
- file://$work/absent//base
K
fails norepo "file://$work/absent" "git fetch"

tree leaky <<K
resources:
- file://$repo//leaky
K
fails leaky "security; file" "is not in or below"
# The clone stays restricted even with LoadRestrictionsNone, as in kustomize.
kubectl kustomize --load-restrictor LoadRestrictionsNone "$work/leaky" >/dev/null 2>&1 && { echo "FAIL: kubectl let the clone out"; fail=1; }
"$bin" build --load-restrictor LoadRestrictionsNone "$work/leaky" >/dev/null 2>&1 && { echo "FAIL: LoadRestrictionsNone let the clone out"; fail=1; }

tree exits <<K
resources:
- file://$repo//../etc
K
fails exits "url path exits repo" "file://$repo//../etc"

tree notdir <<K
resources:
- file://$repo//base/cm.yaml
K
fails notdir "expecting directory"

tree http404 <<K
resources:
- http://127.0.0.1:$port/missing.yaml
K
fails http404 "status code 404" "http://127.0.0.1:$port/missing.yaml"

left=$(ls "${TMPDIR:-/tmp}" | grep -c '^kustomize-[A-Za-z0-9]\{6\}$')
[ "$left" -eq 0 ] || echo "note: $left kustomize-XXXXXX directories in ${TMPDIR:-/tmp} (other builds may be running)"
exit $fail
