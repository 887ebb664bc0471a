#!/usr/bin/env bash
# helm pull and kustomize's chart cache: a chart not under chartHome is
# pulled (by the stand-in, from a local repository directory) into
# chartHome/NAME-VERSION/NAME when both version and repo are given, into
# chartHome/NAME otherwise, and used from there on the next build without
# pulling again. Each build runs on a fresh copy for pleo-render and for
# kubectl kustomize; outputs and the cache directories they leave must be
# the same.
# usage: check-helm-pull.sh PLEO_RENDER SOURCE_DIR
set -u
bin=$1 root=$2
helm=$root/tests/helm/fake-helm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

mkdir -p "$work/tree/repo"
cp -r "$root/testdata/helm-chart-basic/charts/demo" "$work/tree/repo/demo"
cat > "$work/tree/kustomization.yaml" <<'K'
helmCharts:
- name: demo
  version: 0.1.0
  repo: file://REPO
  releaseName: versioned
- name: demo
  repo: file://REPO
  releaseName: unversioned
- name: demo
  version: 0.1.0
  repo: oci://REPO/
  releaseName: oci
  valuesInline:
    replicaCount: 4
K
sed -i "s|REPO|$work/tree/repo|" "$work/tree/kustomization.yaml"

for who in pleo kubectl; do
  cp -r "$work/tree" "$work/$who"
  for run in 1 2; do
    if [ $who = pleo ]; then
      (cd "$work/$who" && "$bin" build . --enable-helm --helm-command "$helm") >"$work/$who.$run" 2>"$work/$who.err"
    else
      (cd "$work/$who" && kubectl kustomize . --enable-helm --helm-command "$helm") >"$work/$who.$run" 2>"$work/$who.err"
    fi || { echo "FAIL: $who build $run failed:"; cat "$work/$who.err"; fail=1; }
  done
  (cd "$work/$who" && find charts | sort) > "$work/$who.layout"
done
# The stand-in prints the working directory as $CWD, so the copies compare.
for run in 1 2; do
  cmp -s "$work/pleo.$run" "$work/kubectl.$run" ||
    { echo "FAIL: build $run differs from kubectl kustomize"; diff -u "$work/kubectl.$run" "$work/pleo.$run" | head -30; fail=1; }
done
cmp -s "$work/pleo.layout" "$work/kubectl.layout" ||
  { echo "FAIL: chart cache layout differs"; diff -u "$work/kubectl.layout" "$work/pleo.layout"; fail=1; }
grep -qx 'charts/demo-0.1.0/demo' "$work/pleo.layout" ||
  { echo "FAIL: no charts/demo-0.1.0/demo after pulling"; cat "$work/pleo.layout"; fail=1; }

# A pull that fails reports helm's message and the command.
cp -r "$work/tree" "$work/bad"
sed -i 's|name: demo|name: nothere|' "$work/bad/kustomization.yaml"
if (cd "$work/bad" && "$bin" build . --enable-helm --helm-command "$helm") >/dev/null 2>"$work/bad.err"; then
  echo "FAIL: pulling a missing chart succeeded"; fail=1
fi
grep -q 'chart "nothere" not found' "$work/bad.err" && grep -q "pull --untar --untardir" "$work/bad.err" ||
  { echo "FAIL: the pull error lacks helm's message or the command:"; cat "$work/bad.err"; fail=1; }
exit $fail
