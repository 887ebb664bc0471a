#!/usr/bin/env bash
# The scale benchmark of issue 19, in one command:
#
#   tests/bench/run.sh [--smoke] [--sizes "100 1000 4000 16000"] [--kubectl-max 4000]
#                      [--fleet 40] [--build DIR]
#
# Builds trees with tests/bench/gen.py (cached under $PLEO_BENCH_DIR, default
# /tmp/pleo-bench), renders overlays/production of each size with pleo-render,
# `kubectl kustomize` (sizes up to --kubectl-max, when installed) and the
# libyaml floor (tests/bench/floor.c reading and writing pleo-render's
# output), and prints one table: seconds, peak RSS, and the ratios. Then a
# 40,000-key ConfigMap (as a resource and generated), a kube-prometheus-sized
# tree (gen.py --kube-prometheus), and the many-roots
# case: --fleet overlays of the 4,000-resource platform, one process per
# overlay against one `build --all`.
#
# --smoke (CI): size 100 only, no kubectl, a fleet of 4; checks that outputs
# agree (kubectl when present, --all against single renders) and never
# asserts a time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${here}/../../build
sizes="100 1000 4000 16000"
kmax=4000
fleet=40
smoke=0
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=1; sizes=100; fleet=4; kmax=100 ;;
    --sizes) sizes=$2; shift ;;
    --kubectl-max) kmax=$2; shift ;;
    --fleet) fleet=$2; shift ;;
    --build) build=$2; shift ;;
    *) echo "usage: $0 [--smoke] [--sizes LIST] [--kubectl-max N] [--fleet N] [--build DIR]" >&2; exit 2 ;;
  esac
  shift
done
pleo=$(cd "$build" && pwd)/pleo-render
floor=$(cd "$build" && pwd)/tests/bench-floor
[ -x "$pleo" ] && [ -x "$floor" ] || { echo "build pleo-render and bench-floor in $build first" >&2; exit 2; }
work=${PLEO_BENCH_DIR:-/tmp/pleo-bench}
mkdir -p "$work"
have_kubectl=0
command -v kubectl >/dev/null && have_kubectl=1

# tree DIR ARGS...: generate once per argument set.
tree() {
  local dir=$1; shift
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    python3 "$here/gen.py" "$dir" "$@"
    touch "$dir/.done"
  fi
}

# measure OUT CMD...: runs CMD (stdout to OUT), sets $secs and $rss (MiB):
# the best of $reps runs for time, the peak of the best run for memory.
# Time is read from the clock in nanoseconds around the run (time(1)'s %e
# counts hundredths, 6% of a 0.17 s render), to three decimals.
measure() {
  local out=$1; shift
  local best="" bestrss="" i t start
  for ((i = 0; i < reps; i++)); do
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time" "$@" >"$out" 2>"$work/stderr" ||
      { echo "failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
    t=$(awk -v s="$start" -v e="$(date +%s%N)" 'BEGIN{printf "%.3f", (e-s)/1e9}')
    read -r m <"$work/time"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$t; bestrss=$m
    fi
  done
  secs=$best
  rss=$(awk -v k="$bestrss" 'BEGIN{printf "%.0f", k/1024}')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a <= 0 && b <= 0) { print "n/a"; exit } if (b <= 0) b = 0.005; printf "%.1fx", a/b }'; }

printf '%-22s %9s %8s %9s %8s %9s %8s %10s %10s\n' \
  case pleo-s pleo-MiB kubectl-s kube-MiB floor-s floor-MiB kubectl/pleo pleo/floor
prev_t=""
for n in $sizes; do
  dir=$work/tree-$n
  tree "$dir" "$n"
  reps=5 # best of five: one run of a second is at the mercy of a shared machine
  measure "$work/pleo.yaml" "$pleo" build "$dir/overlays/production"
  pt=$secs; pm=$rss
  measure "$work/floor.yaml" "$floor" "$work/pleo.yaml"
  ft=$secs; fm=$rss
  kt=-; km=-; kr=-
  if [ "$have_kubectl" = 1 ] && [ "$n" -le "$kmax" ]; then
    reps=1
    measure "$work/kubectl.yaml" kubectl kustomize "$dir/overlays/production"
    kt=$secs; km=$rss; kr=$(ratio "$kt" "$pt")
    cmp -s "$work/kubectl.yaml" "$work/pleo.yaml" || { echo "output differs from kubectl at $n" >&2; exit 1; }
  fi
  printf '%-22s %9s %8s %9s %8s %9s %8s %10s %10s\n' "production-$n" "$pt" "$pm" "$kt" "$km" \
    "$ft" "$fm" "$kr" "$(ratio "$pt" "$ft")"
  [ -n "$prev_t" ] && printf '%-22s t(%s)/t(%s) = %s\n' "" "$n" "$prev_n" "$(ratio "$pt" "$prev_t")"
  prev_t=$pt; prev_n=$n
done

keys=40000; [ "$smoke" = 1 ] && keys=2000
dir=$work/bigcm-$keys
tree "$dir" --bigcm "$keys"
reps=3
for form in resource generated; do
  measure "$work/pleo.yaml" "$pleo" build "$dir/$form"
  pt=$secs; pm=$rss
  measure "$work/floor.yaml" "$floor" "$work/pleo.yaml"
  ft=$secs; fm=$rss
  kt=-; km=-; kr=-
  if [ "$have_kubectl" = 1 ] && [ "$smoke" = 0 ]; then
    reps=1
    measure "$work/kubectl.yaml" kubectl kustomize "$dir/$form"
    kt=$secs; km=$rss; kr=$(ratio "$kt" "$pt"); reps=3
    cmp -s "$work/kubectl.yaml" "$work/pleo.yaml" || { echo "output differs from kubectl: $form" >&2; exit 1; }
  fi
  printf '%-22s %9s %8s %9s %8s %9s %8s %10s %10s\n' "configmap-$keys-$form" "$pt" "$pm" "$kt" "$km" \
    "$ft" "$fm" "$kr" "$(ratio "$pt" "$ft")"
done

# A large real-shaped tree (kube-prometheus: 130 documents, 5.8 MB, no
# transformers): renders take tens of milliseconds, below the resolution
# of one timing, so each side is timed over a loop of runs.
loop() {
  local out=$1 runs=$2; shift 2
  local start i
  start=$(date +%s.%N)
  for ((i = 0; i < runs; i++)); do "$@" >"$out" 2>/dev/null || { echo "failed: $*" >&2; exit 1; }; done
  secs=$(awk -v s="$start" -v e="$(date +%s.%N)" -v n="$runs" 'BEGIN{printf "%.3f", (e-s)/n}')
}
dir=$work/kube-prometheus
tree "$dir" --kube-prometheus
runs=20; [ "$smoke" = 1 ] && runs=2
reps=1
measure "$work/pleo.yaml" "$pleo" build "$dir"
pm=$rss
loop "$work/pleo.yaml" "$runs" "$pleo" build "$dir"
pt=$secs
loop "$work/floor.yaml" "$runs" "$floor" "$work/pleo.yaml"
ft=$secs
kt=-; km=-; kr=-
if [ "$have_kubectl" = 1 ]; then
  measure "$work/kubectl.yaml" kubectl kustomize "$dir"
  kt=$secs; km=$rss; kr=$(ratio "$kt" "$pt")
  cmp -s "$work/kubectl.yaml" "$work/pleo.yaml" || { echo "output differs from kubectl: kube-prometheus" >&2; exit 1; }
fi
printf '%-22s %9s %8s %9s %8s %9s %8s %10s %10s\n' "kube-prometheus-sized" "$pt" "$pm" "$kt" "$km" \
  "$ft" "-" "$kr" "$(ratio "$pt" "$ft")"

# Many roots: the fleet overlays of one platform, separately and at once.
n=4000; [ "$smoke" = 1 ] && n=100
dir=$work/fleet-$n-$fleet
tree "$dir" "$n" --overlays "$fleet"
reps=1
rm -rf "$work/sep" "$work/all"
mkdir -p "$work/sep"
start=$(date +%s.%N)
for o in "$dir"/fleet/*/; do
  "$pleo" build "$o" >"$work/sep/$(basename "$o").yaml" 2>/dev/null
done
sep=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.2f", e-s}')
reps=3
measure /dev/null "$pleo" build --all "$dir/fleet" -o "$work/all"
for f in "$work"/sep/*.yaml; do
  cmp -s "$f" "$work/all/$(basename "$f")" || { echo "--all differs from a single render: $(basename "$f")" >&2; exit 1; }
done
printf '%-22s %9s %8s  (%s overlays of %s resources; %s separate runs: %ss, %s faster)\n' \
  "fleet --all" "$secs" "$rss" "$fleet" "$n" "$fleet" "$sep" "$(ratio "$sep" "$secs")"
