#!/usr/bin/env bash
# Renders every golden case and both environments under valgrind; any
# memory error or leak fails the run.
# usage: tests/golden/valgrind.sh PLEO_RENDER
set -u
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
status=0 count=0
for dir in "$root"/testdata/*/ "$root"/environments/*/; do
  build_dir=.
  [ -f "$dir/build-dir" ] && build_dir=$(cat "$dir/build-dir")
  if ! (cd "$dir" && valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all \
          "$bin" build "$build_dir" >/dev/null 2>"/tmp/pleo-valgrind.$$"); then
    if grep -q '==[0-9]*==' "/tmp/pleo-valgrind.$$"; then
      echo "valgrind: errors in $dir"; cat "/tmp/pleo-valgrind.$$"; status=1
    fi
  fi
  count=$((count+1))
done
rm -f "/tmp/pleo-valgrind.$$"
[ $status -eq 0 ] && echo "valgrind: $count renders clean"
exit $status
