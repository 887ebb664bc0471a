#!/usr/bin/env bash
# Many roots in one process: `build --all DIR -o OUT`, `build ROOT... -o OUT`
# and `--shard I/N` must write, for every root, exactly what rendering that
# root alone writes; shards must split the roots with no overlap and no
# gap. Runs the roots on several threads (--jobs 4), so a ThreadSanitizer
# build (PLEO_TSAN) checks the pipeline for races here.
#   check-roots.sh PLEO_RENDER SOURCE_DIR
set -euo pipefail
pleo=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/tests/bench/gen.py" "$tmp/tree" 40 --overlays 5
fail=0
die() { echo "FAIL: $*" >&2; fail=1; }

"$pleo" build --all "$tmp/tree" -o "$tmp/all" --jobs 4 2>"$tmp/all.err" || die "--all failed: $(cat "$tmp/all.err")"
! grep -q ThreadSanitizer "$tmp/all.err" || die "ThreadSanitizer: $(cat "$tmp/all.err")"
roots=$(cd "$tmp/all" && find . -name '*.yaml' | sed 's|^\./||; s|\.yaml$||' | sort)
want="fleet/o01 fleet/o02 fleet/o03 fleet/o04 fleet/o05 overlays/canary overlays/production overlays/staging"
for r in $want; do
  grep -qx "$r" <<<"$roots" || die "--all did not render root $r"
done
grep -qx "platform" <<<"$roots" && die "--all rendered platform, which the overlays include"
grep -q "^apps/" <<<"$roots" && die "--all rendered an app base, which platform includes"
for r in $want; do
  "$pleo" build "$tmp/tree/$r" >"$tmp/alone.yaml" 2>/dev/null
  cmp -s "$tmp/alone.yaml" "$tmp/all/$r.yaml" || die "$r: --all output differs from rendering it alone"
done
[ "$(grep -c "'vars' is deprecated" "$tmp/all.err")" = 1 ] || die "a warning given by several roots is not printed once"

# A base several roots include is built once and copied into each: roots
# that transform it differently, a root whose buildMetadata records
# origins (never shared), and a base reached through another base must
# each render as alone.
sh=$tmp/shared
mkdir -p "$sh/base" "$sh/mid" "$sh/r1" "$sh/r2" "$sh/r3" "$sh/r4"
cat >"$sh/base/kustomization.yaml" <<'K'
namePrefix: b-
commonLabels:
  tier: web
resources:
- app.yaml
vars:
- name: SVC
  objref: {apiVersion: v1, kind: Service, name: web}
K
cat >"$sh/base/app.yaml" <<'K'
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
        args: ["--upstream=$(SVC)"]
K
printf 'resources:\n- ../base\nnamespace: one\nimages:\n- name: nginx\n  newTag: "1.2"\n' >"$sh/r1/kustomization.yaml"
printf 'resources:\n- ../base\nnamePrefix: two-\ncommonLabels:\n  tier: api\n' >"$sh/r2/kustomization.yaml"
printf 'buildMetadata: [originAnnotations]\nresources:\n- ../base\n' >"$sh/r3/kustomization.yaml"
printf 'nameSuffix: -m\nresources:\n- ../base\n' >"$sh/mid/kustomization.yaml"
printf 'resources:\n- ../mid\nnamespace: four\n' >"$sh/r4/kustomization.yaml"
"$pleo" build --all "$sh" -o "$tmp/shared-out" --jobs 2 2>"$tmp/shared.err" ||
  die "--all over roots sharing a base failed: $(cat "$tmp/shared.err")"
for r in r1 r2 r3 r4; do
  "$pleo" build "$sh/$r" >"$tmp/alone.yaml" 2>/dev/null
  cmp -s "$tmp/alone.yaml" "$tmp/shared-out/$r.yaml" || die "$r: output with a shared base differs from rendering it alone"
done
grep -q "upstream=two-b-web" "$tmp/shared-out/r2.yaml" || die "r2: the shared base's var is not resolved to r2's name"

# Explicit roots, named as given.
(cd "$tmp/tree" && "$pleo" build overlays/staging ./fleet/o02/ -o "$tmp/some" -j 2 2>/dev/null)
cmp -s "$tmp/all/overlays/staging.yaml" "$tmp/some/overlays/staging.yaml" || die "explicit root overlays/staging"
cmp -s "$tmp/all/fleet/o02.yaml" "$tmp/some/fleet/o02.yaml" || die "explicit root ./fleet/o02/"

# Shards: disjoint, and together every root.
for i in 1 2 3; do
  "$pleo" build --all "$tmp/tree" -o "$tmp/shard$i" --shard "$i/3" 2>/dev/null || die "--shard $i/3 failed"
done
got=$(cd "$tmp" && for i in 1 2 3; do (cd "shard$i" 2>/dev/null && find . -name '*.yaml'); done | sort)
[ "$got" = "$(cd "$tmp/all" && find . -name '*.yaml' | sort)" ] || die "shards 1/3..3/3 are not a partition of the roots"

# A failing root is reported by name; the others are still written.
mkdir -p "$tmp/tree/broken"
printf 'resources:\n- missing.yaml\n' >"$tmp/tree/broken/kustomization.yaml"
if "$pleo" build --all "$tmp/tree" -o "$tmp/with-broken" 2>"$tmp/broken.err"; then
  die "a failing root did not make the exit status 1"
fi
grep -q "broken" "$tmp/broken.err" || die "the failing root is not named: $(cat "$tmp/broken.err")"
[ -f "$tmp/with-broken/overlays/canary.yaml" ] || die "other roots not written when one fails"

# Every golden case's tree at once, on four threads: under ThreadSanitizer
# this exercises every generator and transformer concurrently. Cases that
# fail on purpose make the exit status 1; only a sanitizer report (exit 66,
# TSAN_OPTIONS) or a crash fails the test. Each rendered root must equal its
# golden output.
cp -r "$src/testdata" "$tmp/cases"
rc=0
(cd "$tmp/cases" && "$pleo" build --all . -o "$tmp/cases-out" --jobs 4 >/dev/null 2>"$tmp/cases.err") || rc=$?
[ $rc -le 1 ] || die "--all over testdata: exit $rc: $(grep -m3 -A3 'ThreadSanitizer\|ERROR' "$tmp/cases.err")"
checked=0
for c in "$src"/testdata/*/; do
  name=$(basename "$c")
  [ -f "$c/expected.yaml" ] && [ ! -f "$c/build-dir" ] && [ ! -f "$c/build-flags" ] || continue
  [ -f "$tmp/cases-out/$name.yaml" ] || continue
  cmp -s "$c/expected.yaml" "$tmp/cases-out/$name.yaml" || die "$name: --all output differs from its golden"
  checked=$((checked + 1))
done
[ $checked -ge 50 ] || die "only $checked golden cases rendered by --all"

# Two roots that would write one file: DIR itself (named after DIR) and a
# root below it with DIR's name. Refused before anything is written.
nt=$tmp/clash/t
mkdir -p "$nt/t"
printf 'resources: [c.yaml]\n' >"$nt/kustomization.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: top}\n' >"$nt/c.yaml"
printf 'resources: [c.yaml]\n' >"$nt/t/kustomization.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inner}\n' >"$nt/t/c.yaml"
rc=0; "$pleo" build --all "$nt" -o "$tmp/clash-out" 2>"$tmp/clash.err" || rc=$?
[ $rc = 2 ] || die "two roots named t: exit $rc, want 2"
grep -q "would both be written to" "$tmp/clash.err" || die "name clash not explained: $(cat "$tmp/clash.err")"
[ ! -e "$tmp/clash-out" ] || die "a refused run created its OUTDIR"
rc=0; (cd "$nt" && "$pleo" build . t -o "$tmp/clash-out2" 2>/dev/null) || rc=$?
[ $rc = 2 ] || die "roots . and t in a directory named t: exit $rc, want 2"

# --all on a directory with no kustomization is an error, not silence.
mkdir -p "$tmp/nokust/sub"
rc=0; "$pleo" build --all "$tmp/nokust" -o "$tmp/nokust-out" 2>"$tmp/nokust.err" || rc=$?
[ $rc = 1 ] || die "--all over no kustomization: exit $rc, want 1"
grep -q "holds no kustomization" "$tmp/nokust.err" || die "no-kustomization not explained"

# An OUTDIR that cannot be made is one error, whatever the number of roots.
rc=0; "$pleo" build --all "$tmp/tree" -o /proc/pleo-cannot 2>"$tmp/outdir.err" || rc=$?
[ $rc = 1 ] || die "an OUTDIR that cannot be made: exit $rc, want 1"
[ "$(grep -c "cannot create the output directory" "$tmp/outdir.err")" = 1 ] ||
  die "OUTDIR error not given once: $(cat "$tmp/outdir.err")"

# Usage errors.
"$pleo" build --all "$tmp/tree" 2>/dev/null && die "--all without -o accepted"
"$pleo" build --all "$tmp/tree" -o "$tmp/x" --shard 4/3 2>/dev/null && die "--shard 4/3 accepted"
"$pleo" build /abs/path other -o "$tmp/x" 2>/dev/null && die "an absolute root accepted"
exit $fail
