#!/usr/bin/env bash
# Command-line contract: exit statuses, nothing half-written on failure,
# atomic -o, kustomize's flags, -o DIR's file set (tests/cli/outdir, made
# by kubectl), -o through symlinks and into FIFOs, help on every command,
# version as kustomize prints it, and output that does not depend on
# locale, time zone or the order in which the file system lists a tree.
# usage: check-cli.sh PLEO_RENDER PROJECT_ROOT
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") root=$(cd "$2" && pwd)
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check() { # description, expected status, command...
  local what=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"; local rc=$?
  if [ "$rc" -ne "$want" ]; then echo "FAIL: $what: exit $rc, want $want"; cat "$work/err"; fail=1; fi
}

check "--help" 0 "$bin" --help
grep -q '^usage: pleo-render' "$work/out" || { echo "FAIL: --help prints usage on stdout"; fail=1; }
check "--version" 0 "$bin" --version
check "unknown option is a usage error" 2 "$bin" build --frobnicate "$root/environments/minikube"
check "unknown shorthand is a usage error" 2 "$bin" build -x "$root/environments/minikube"
check "--load-restrictor checks its value" 2 "$bin" build --load-restrictor none "$root/environments/minikube"
check "--reorder checks its value" 2 "$bin" build --reorder random "$root/environments/minikube"
check "a boolean flag takes only booleans" 2 "$bin" build --enable-helm=maybe "$root/environments/minikube"

# Help: every command and edit's subcommands, exit 0, on stdout.
for args in "--help" "-h" "help" "help build" "help edit" "help version" "help help" \
            "build --help" "build -h" "build $root/environments/minikube -h" "edit --help" \
            "edit set image --help" "edit -C $root add resource -h" "version --help"; do
  # shellcheck disable=SC2086
  check "$args" 0 "$bin" $args
  [ -s "$work/out" ] || { echo "FAIL: $args printed no help on stdout"; fail=1; }
done
check "help of an unknown command" 2 "$bin" help frobnicate
"$bin" --help | grep -q 'known differences from kustomize' \
  || { echo "FAIL: --help does not list the differences from kustomize"; fail=1; }
"$bin" --help | grep -q 'configMapGenerator' || { echo "FAIL: --help does not list the fields"; fail=1; }

# Every flag of kustomize build v5.5.0 is accepted, before or after DIR,
# as --flag=value, --flag value, -oVALUE; the output is the plain render.
"$bin" build "$root/environments/minikube" > "$work/plain.yaml"
for flags in "--enable-helm" "--enable-helm=true --helm-command /bin/helm --helm-debug" \
             "--helm-api-versions v1 --helm-api-versions apps/v1 --helm-kube-version 1.30" \
             "--enable-alpha-plugins --enable-exec" "-e A=1 --env B=2 -eC=3 --env=D=4" \
             "--mount type=bind,src=/tmp,dst=/tmp --network --network-name host --as-current-user" \
             "--load-restrictor=LoadRestrictionsNone" "--load-restrictor LoadRestrictionsRootOnly" \
             "--reorder legacy" "--enable-managedby-label=false"; do
  # shellcheck disable=SC2086
  check "flags before DIR: $flags" 0 "$bin" build $flags "$root/environments/minikube"
  cmp -s "$work/out" "$work/plain.yaml" || { echo "FAIL: $flags changed the output"; fail=1; }
  # shellcheck disable=SC2086
  check "flags after DIR: $flags" 0 "$bin" build "$root/environments/minikube" $flags
  cmp -s "$work/out" "$work/plain.yaml" || { echo "FAIL: $flags (after DIR) changed the output"; fail=1; }
done
check "-- ends the flags" 0 "$bin" build --enable-helm -- "$root/environments/minikube"
cmp -s "$work/out" "$work/plain.yaml" || { echo "FAIL: -- changed the output"; fail=1; }
(cd "$root/environments/minikube" && "$bin" build) > "$work/dot.yaml"
cmp -s "$work/dot.yaml" "$work/plain.yaml" || { echo "FAIL: build without DIR does not render ."; fail=1; }
# --enable-managedby-label labels every object with kubectl kustomize's value
# (its embedded kustomize reports version "(devel)").
check "--enable-managedby-label" 0 "$bin" build "$root/environments/minikube" --enable-managedby-label
[ "$(grep -c '^    app.kubernetes.io/managed-by: kustomize-(devel)$' "$work/out")" = \
  "$(grep -c '^kind:' "$work/out")" ] || { echo "FAIL: --enable-managedby-label missed objects"; fail=1; }
KUSTOMIZE_ENABLE_MANAGEDBY_LABEL=on "$bin" build "$root/environments/minikube" | cmp -s - "$work/out" \
  || { echo "FAIL: KUSTOMIZE_ENABLE_MANAGEDBY_LABEL=on differs from the flag"; fail=1; }
# A tree that needs Helm fails when helm cannot run (not installed here), naming the field.
mkdir -p "$work/helm"
printf 'helmCharts:\n- name: minecraft\n  repo: https://example.com\n' > "$work/helm/kustomization.yaml"
check "helmCharts with --enable-helm" 1 "$bin" build --enable-helm "$work/helm"
grep -q 'helmCharts' "$work/err" || { echo "FAIL: the helm error does not name helmCharts"; fail=1; }

# Version, as pleo-render and as kustomize (what Argo CD parses).
check "version" 0 "$bin" version
grep -qx 'kustomize v5.5.0' "$work/out" && grep -q '^pleo-render ' "$work/out" \
  || { echo "FAIL: version does not print both versions"; fail=1; }
ln -s "$bin" "$work/kustomize"
check "kustomize version" 0 "$work/kustomize" version
[ "$(cat "$work/out")" = v5.5.0 ] || { echo "FAIL: kustomize version printed '$(cat "$work/out")'"; fail=1; }
check "kustomize version --short" 0 "$work/kustomize" version --short
grep -qE '^\{kustomize/v5\.5\.0  [0-9T:Z-]+   \}$' "$work/out" \
  || { echo "FAIL: kustomize version --short printed '$(cat "$work/out")'"; fail=1; }
check "version --short and -o" 2 "$work/kustomize" version --short -o yaml
check "kustomize build" 0 "$work/kustomize" build "$root/environments/minikube"
cmp -s "$work/out" "$work/plain.yaml" || { echo "FAIL: kustomize build differs"; fail=1; }

# -o DIR: kustomize's file set, as kubectl wrote it (tests/cli/regen-outdir.sh).
for case in "$root"/tests/cli/outdir/*/; do
  rm -rf "$work/outdir" && mkdir "$work/outdir"
  check "-o DIR $(basename "$case")" 0 "$bin" build "$case/in" -o "$work/outdir"
  diff -r "$case/expected" "$work/outdir" >/dev/null \
    || { echo "FAIL: -o DIR file set differs for $case"; diff -r "$case/expected" "$work/outdir" | head; fail=1; }
  [ -s "$work/out" ] && { echo "FAIL: -o DIR also wrote to stdout"; fail=1; }
done
ln -s "$work/outdir" "$work/outdir-link"
rm -rf "$work/outdir"/* && "$bin" build "$root/tests/cli/outdir/namespaces/in" -o "$work/outdir-link/"
diff -r "$root/tests/cli/outdir/namespaces/expected" "$work/outdir" >/dev/null \
  || { echo "FAIL: -o through a symlink to a directory"; fail=1; }
check "two directories is a usage error" 2 "$bin" build a b
check "-o without a file is a usage error" 2 "$bin" build -o

check "missing directory is a render error" 1 "$bin" build "$work/nowhere"
[ -s "$work/out" ] && { echo "FAIL: output on stdout after an error"; fail=1; }
[ "$(wc -l < "$work/err")" -ge 1 ] || { echo "FAIL: no error message"; fail=1; }

# -o: written atomically with the old mode on success, untouched on failure.
printf 'old contents\n' > "$work/rendered.yaml"; chmod 640 "$work/rendered.yaml"
check "-o on success" 0 "$bin" build -o "$work/rendered.yaml" "$root/environments/minikube"
"$bin" build "$root/environments/minikube" | cmp -s - "$work/rendered.yaml" \
  || { echo "FAIL: -o output differs from stdout output"; fail=1; }
[ "$(stat -c %a "$work/rendered.yaml")" = 640 ] || { echo "FAIL: -o changed the file mode"; fail=1; }
cp "$work/rendered.yaml" "$work/before.yaml"
check "-o on failure" 1 "$bin" build -o "$work/rendered.yaml" "$root/testdata/error-malformed-yaml"
cmp -s "$work/before.yaml" "$work/rendered.yaml" || { echo "FAIL: failed build touched the -o file"; fail=1; }
ls "$work" | grep -q 'rendered.yaml.tmp' && { echo "FAIL: temporary file left behind"; fail=1; }
check "-o to a new file on failure" 1 "$bin" build -o "$work/new.yaml" "$root/testdata/error-cycle/a"
[ -e "$work/new.yaml" ] && { echo "FAIL: failed build created the -o file"; fail=1; }

# The stream is written as it is produced, but only once every object
# converts to JSON: a later object that does not (kustomize fails on .inf)
# leaves stdout empty and any -o file, even one written in place, as it was.
mkdir -p "$work/late-json"
printf 'resources:\n- a.yaml\n- b.yaml\n' > "$work/late-json/kustomization.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' > "$work/late-json/a.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\nx: .inf\n' > "$work/late-json/b.yaml"
check "an object JSON cannot hold, after others" 1 "$bin" build "$work/late-json"
[ -s "$work/out" ] && { echo "FAIL: output on stdout before a failing object"; fail=1; }
grep -q 'b.yaml:5:4' "$work/err" || { echo "FAIL: the failing object is not named"; fail=1; }
printf 'kept\n' > "$work/late.yaml"; ln "$work/late.yaml" "$work/late-link.yaml"
check "-o in place, an object JSON cannot hold" 1 "$bin" build -o "$work/late.yaml" "$work/late-json"
[ "$(cat "$work/late.yaml")" = kept ] || { echo "FAIL: a failing build truncated the -o file"; fail=1; }

# -o writes like the shell's `>`: through a symlink (which stays a link,
# its target keeping its mode), into a FIFO, into a device.
printf 'old\n' > "$work/target.yaml"; chmod 600 "$work/target.yaml"
ln -s target.yaml "$work/link.yaml"
check "-o through a symlink" 0 "$bin" build -o "$work/link.yaml" "$root/environments/minikube"
[ -L "$work/link.yaml" ] || { echo "FAIL: -o replaced the symlink"; fail=1; }
cmp -s "$work/target.yaml" "$work/plain.yaml" || { echo "FAIL: -o did not write the symlink's target"; fail=1; }
[ "$(stat -c %a "$work/target.yaml")" = 600 ] || { echo "FAIL: -o changed the target's mode"; fail=1; }
ln -s missing.yaml "$work/dangling.yaml"
check "-o through a dangling symlink" 0 "$bin" build -o "$work/dangling.yaml" "$root/environments/minikube"
cmp -s "$work/missing.yaml" "$work/plain.yaml" || { echo "FAIL: -o did not create the link's target"; fail=1; }
mkfifo "$work/fifo"
cat "$work/fifo" > "$work/from-fifo" & reader=$!
check "-o into a FIFO" 0 timeout 20 "$bin" build -o "$work/fifo" "$root/environments/minikube"
wait "$reader"
[ -p "$work/fifo" ] || { echo "FAIL: -o replaced the FIFO"; fail=1; }
cmp -s "$work/from-fifo" "$work/plain.yaml" || { echo "FAIL: the FIFO's reader got other bytes"; fail=1; }
check "-o /dev/null" 0 "$bin" build -o /dev/null "$root/environments/minikube"
[ -c /dev/null ] || { echo "FAIL: /dev/null is no longer a device"; fail=1; }
ln "$work/target.yaml" "$work/hardlink.yaml"
check "-o into a hard-linked file" 0 "$bin" build -o "$work/hardlink.yaml" "$root/testdata/$(ls "$root/testdata" | head -1)"
cmp -s "$work/hardlink.yaml" "$work/target.yaml" || { echo "FAIL: -o broke a hard link"; fail=1; }
(umask 027 && "$bin" build -o "$work/fresh.yaml" "$root/environments/minikube")
[ "$(stat -c %a "$work/fresh.yaml")" = 640 ] || { echo "FAIL: a new -o file ignores the umask"; fail=1; }

# Determinism: locale, time zone, environment and directory order.
"$bin" build "$root/environments/production" > "$work/reference.yaml"
LC_ALL=tr_TR.UTF-8 TZ=Pacific/Kiritimati HOME=/nonexistent "$bin" build "$root/environments/production" \
  | cmp -s - "$work/reference.yaml" || { echo "FAIL: output depends on locale or time zone"; fail=1; }
env -i "$bin" build "$root/environments/production" | cmp -s - "$work/reference.yaml" \
  || { echo "FAIL: output depends on the environment"; fail=1; }
# Recreate the tree with files created in reverse order, so directory
# listings (if anything read them) come back in another order.
mkdir -p "$work/shuffled"
(cd "$root" && find resources environments -type f | sort -r) | while read -r f; do
  mkdir -p "$work/shuffled/$(dirname "$f")"; cp "$root/$f" "$work/shuffled/$f"
done
"$bin" build "$work/shuffled/environments/production" | cmp -s - "$work/reference.yaml" \
  || { echo "FAIL: output depends on file creation order"; fail=1; }

[ $fail -eq 0 ] && echo "command-line checks passed"
exit $fail
