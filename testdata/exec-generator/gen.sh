#!/bin/sh
# An exec KRM function used as a generator: emits a ConfigMap that asks
# kustomize for a hash suffix. Its input (the configuration itself) is
# not echoed, so nothing else is generated.
cat >/dev/null
cat <<'OUT'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    annotations:
      kustomize.config.k8s.io/needs-hash: "true"
  data:
    value: from-function
OUT
