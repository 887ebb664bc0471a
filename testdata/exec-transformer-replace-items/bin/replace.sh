#!/bin/sh
# An exec KRM function that ignores its input and answers with a fixed
# list: the ConfigMap p-c with new data (kept by id), a new Namespace; the
# Service it leaves out is removed.
cat >/dev/null
cat <<'OUT'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: p-c
  data:
    k: replaced
- apiVersion: v1
  kind: Namespace
  metadata:
    name: added
OUT
