#!/bin/sh
# An exec KRM function: reads a ResourceList and adds the annotation
# fn: touched to each item (every item carries config.kubernetes.io/index,
# which kustomize adds and takes away again).
sed 's/^\( *\)config\.kubernetes\.io\/index:/\1fn: touched\n\1config.kubernetes.io\/index:/'
