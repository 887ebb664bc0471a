#!/bin/sh
# An exec KRM function that fails.
cat >/dev/null
echo "fail.sh: refusing on purpose" >&2
exit 3
