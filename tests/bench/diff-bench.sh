#!/usr/bin/env bash
# Speed of `pleo-render diff --git` against the usual CI recipe: check out
# both revisions, render every root of each with `kubectl kustomize`, and
# `diff -u` the two streams.
#
# usage: tests/bench/diff-bench.sh [PLEO_RENDER] [ROOTS]   (default build/pleo-render, 50)
# (measure a Release build: a sanitizer build is several times slower)
#
# The repository is made here: ROOTS overlays (namespace, prefix, image tag,
# replicas, a generated ConfigMap each) over 5 shared bases of 4 objects and
# a generator each. The second commit changes one base's ConfigMap literal
# (a hash rename in every root using it) and bumps the image of 10 roots.
# Prints the time of each way, measured one after the other on this machine,
# and their ratio.
set -eu
bin=$(realpath "${1:-build/pleo-render}")
roots=${2:-50}
command -v kubectl >/dev/null || { echo "diff-bench: kubectl is needed for the comparison"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp GIT_CONFIG_NOSYSTEM=1
repo=$tmp/repo
mkdir -p "$repo" && cd "$repo"
git -c init.defaultBranch=main init -q . && git config user.email b@pleo.test && git config user.name bench

for b in 1 2 3 4 5; do
  mkdir -p bases/svc$b
  cat > bases/svc$b/kustomization.yaml <<YAML
resources:
- objects.yaml
configMapGenerator:
- name: svc$b-settings
  literals:
  - LOG_LEVEL=info
  - BASE=svc$b
YAML
  cat > bases/svc$b/objects.yaml <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc$b
spec:
  replicas: 1
  selector:
    matchLabels:
      app: svc$b
  template:
    metadata:
      labels:
        app: svc$b
    spec:
      containers:
      - name: svc$b
        image: registry.pleo.test/svc$b
        envFrom:
        - configMapRef:
            name: svc$b-settings
        ports:
        - containerPort: 8000
        securityContext:
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
---
apiVersion: v1
kind: Service
metadata:
  name: svc$b
spec:
  selector:
    app: svc$b
  ports:
  - port: 8000
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: svc$b
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: svc$b
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: svc$b
YAML
done
for r in $(seq 1 "$roots"); do
  d=clusters/c$r
  mkdir -p $d
  b1=$(( (r % 5) + 1 )) b2=$(( ((r + 2) % 5) + 1 ))
  cat > $d/kustomization.yaml <<YAML
namespace: team-$r
namePrefix: c$r-
labels:
- pairs:
    cluster: c$r
  includeSelectors: true
resources:
- ../../bases/svc$b1
- ../../bases/svc$b2
images:
- name: registry.pleo.test/svc$b1
  newTag: v1.$r.0
replicas:
- name: svc$b1
  count: 2
configMapGenerator:
- name: cluster
  literals:
  - NAME=c$r
YAML
done
git add -A && git commit -qm one
sed -i 's/LOG_LEVEL=info/LOG_LEVEL=debug/' bases/svc1/kustomization.yaml
for r in $(seq 1 10); do sed -i "s/newTag: v1.$r.0/newTag: v1.$r.1/" clusters/c$r/kustomization.yaml; done
git commit -qam two

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

# pleo-render: both commits from git objects, every root discovered; best of 5.
best=
for _ in 1 2 3 4 5; do
  t0=$(now)
  set +e; "$bin" diff --git HEAD~1 HEAD >"$tmp/pleo.out"; rc=$?; set -e
  t1=$(now)
  [ "$rc" = 1 ] || { echo "diff-bench: pleo-render diff exited $rc"; exit 1; }
  t=$(ms "$t0" "$t1")
  if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
done
pleo=$best

# kubectl: export each commit, render each root of each, diff -u.
t0=$(now)
for side in old new; do
  rev=HEAD~1; [ $side = new ] && rev=HEAD
  mkdir "$tmp/$side" && git archive "$rev" | tar -x -C "$tmp/$side"
done
t1=$(now)
for side in old new; do
  for r in $(seq 1 "$roots"); do
    echo "# clusters/c$r"
    kubectl kustomize "$tmp/$side/clusters/c$r"
  done >"$tmp/$side.yaml"
done
set +e; diff -u "$tmp/old.yaml" "$tmp/new.yaml" >"$tmp/kubectl.out"; set -e
t2=$(now)
export_ms=$(ms "$t0" "$t1") kubectl_ms=$(ms "$t0" "$t2")

changed=$(grep -c '^--- ' "$tmp/pleo.out" || true)
echo "diff-bench: $roots roots over 5 shared bases, 2 commits ($changed objects differ)"
printf '  pleo-render diff --git HEAD~1 HEAD:                 %6d ms (best of 5)\n' "$pleo"
printf '  git archive x2 + kubectl kustomize x%d + diff -u:  %6d ms (of which export %d ms)\n' \
  $((2 * roots)) "$kubectl_ms" "$export_ms"
awk -v p="$pleo" -v k="$kubectl_ms" 'BEGIN { if (p < 1) p = 1; printf "  ratio: pleo-render is %.1fx faster\n", k / p }'
echo "  (pleo-render's report names $changed changed objects; diff -u printed $(wc -l <"$tmp/kubectl.out") lines)"
