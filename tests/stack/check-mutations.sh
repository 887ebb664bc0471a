#!/usr/bin/env bash
# Proves the stack property check can fail: each mutation below breaks one
# promise in a copy of the manifests, and check-stack must reject it.
# usage: check-mutations.sh CHECK_STACK PROJECT_ROOT
set -u
check=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
mutate() { # description, file (relative), sed expression
  rm -rf "$work/tree" && mkdir -p "$work/tree"
  cp -r "$root/resources" "$root/environments" "$work/tree/"
  sed -i "$3" "$work/tree/$2"
  if cmp -s "$root/$2" "$work/tree/$2"; then echo "BROKEN TEST: '$1' changed nothing"; status=1; return; fi
  if "$check" "$work/tree" >/dev/null 2>"$work/err"; then
    echo "MISSED: $1"; status=1
  else
    echo "caught: $1 -- $(head -1 "$work/err")"
  fi
}
mutate "payment endpoint names a wrong port" environments/production/tinjis/kustomization.yaml 's/svc:8000/svc:8080/'
mutate "payment endpoint names a missing Service" environments/minikube/kustomization.yaml 's/app-sinatra-money-adapter-svc\.pleo-stack/payments.pleo-stack/'
mutate "network policy removed" resources/base/sinatra-money-adapter/kustomization.yaml '/networkpolicy.yaml/d'
mutate "network policy admits everyone" resources/base/sinatra-money-adapter/networkpolicy.yaml 's/- from:/- ports:\n        - port: 9\n      from: []\n    - from:/'
mutate "production runs one replica" environments/production/sinatra-money-adapter/kustomization.yaml 's/count: 2/count: 1/'
mutate "rollout may drop below capacity" resources/base/tinjis/deployment.yaml 's/maxUnavailable: 0/maxUnavailable: 1/'
mutate "pod may run as root" resources/base/tinjis/deployment.yaml 's/runAsNonRoot: true/runAsNonRoot: false/'
mutate "writable root filesystem" resources/base/sinatra-money-adapter/deployment.yaml 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/'
mutate "probe missing" resources/base/tinjis/deployment.yaml '/startupProbe:/,/failureThreshold: 5/d'
mutate "API token mounted" resources/base/tinjis/deployment.yaml 's/automountServiceAccountToken: false/automountServiceAccountToken: true/'
mutate "RBAC wildcard" resources/base/tinjis/role.yaml 's/verbs: \["get"\]/verbs: ["*"]/'
mutate "minikube rolls tinjis" environments/minikube/kustomization.yaml 's/type: Recreate/type: RollingUpdate/'
mutate "automated sync" environments/argocd/application-tinjis.yaml 's/  syncPolicy:/  syncPolicy:\n    automated: {}/'
mutate "role syncs both services" environments/argocd/appproject.yaml 's|sync, pleo-stack/sinatra-money-adapter|sync, pleo-stack/*|'
[ $status -eq 0 ] && echo "every mutation was caught"
exit $status
