#!/bin/sh
# Renames every item: not what a validator may do.
sed "s/^    name: c$/    name: changed/"
