#!/usr/bin/env bash
# Runs every fuzz target for a bounded time on seeds made from testdata/
# and tests/edit/cases/.
# usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS_PER_TARGET
# Exits non-zero when a target finds a crash, leak, hang or sanitizer report;
# the offending input is left in the work directory it prints.
set -u
build=$1 seconds=$2
work=$(mktemp -d /tmp/pleo-fuzz.XXXXXX)
"$(dirname "$0")/make-seeds.sh" "$work/seeds"
status=0
for target in yaml build json6902 smp edit; do
  bin="$build/tests/fuzz_$target"
  mkdir -p "$work/corpus-$target"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="$work/crash-$target-" -print_final_stats=1 \
       "$work/corpus-$target" "$work/seeds/$target" > "$work/$target.log" 2>&1; then
    echo "fuzz_$target: FAILED (see $work/$target.log and $work/crash-$target-*)"
    tail -30 "$work/$target.log"
    status=1
  else
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target.log" | grep -o '[0-9]*$')
    echo "fuzz_$target: ok, ${runs:-?} executions in ${seconds}s"
  fi
done
[ $status -eq 0 ] && rm -rf "$work"
exit $status
