#!/usr/bin/env bash
# Command-line contract: exit statuses, nothing half-written on failure,
# atomic -o, and output that does not depend on locale, time zone or the
# order in which the file system lists a tree.
# usage: check-cli.sh PLEO_RENDER PROJECT_ROOT
set -u
bin=$1 root=$2
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
