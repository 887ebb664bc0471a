#!/usr/bin/env python3
"""Deterministic generator of benchmark kustomization trees (issue 19).

    gen.py DIR RESOURCES [--overlays N]

writes a tree whose overlays each render exactly RESOURCES objects (a
multiple of 10): RESOURCES/10 apps, each a base of ten objects (Deployment,
Service, ServiceAccount, RoleBinding, HorizontalPodAutoscaler,
PodDisruptionBudget, NetworkPolicy, a ServiceMonitor custom resource, a
generated ConfigMap and Secret) with name references between them and one
var. platform/ gathers every app; overlays/staging, production and canary
build on it with namespace, prefix or suffix, labels, annotations, images,
replicas, components, replacements and every patch kind
(patchesStrategicMerge, patchesJson6902, patches with a path, inline
strategic merge and inline JSON 6902, targeted by name, kind and label
selector). `--overlays N` adds fleet/o01..oN, small overlays of platform
(the many-roots benchmark). `--bigcm KEYS` instead writes one ConfigMap of
KEYS keys (as a resource, and as a generator from an env file);
`--kube-prometheus` a tree of the size and shape of kube-prometheus (one
kustomization, 130 documents, about 5.8 MB, mostly large CRDs and
dashboards).

The same arguments always give the same bytes: no randomness, no clock.
"""
import os
import sys


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def app_base(root, i):
    name = "app%04d" % i
    d = os.path.join(root, "apps", name)
    tier = ("frontend", "backend", "worker")[i % 3]
    write(os.path.join(d, "kustomization.yaml"), f"""\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
- pairs:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/component: {tier}
  includeSelectors: true
resources:
- deployment.yaml
- service.yaml
- rbac.yaml
- policy.yaml
- monitor.yaml
configMapGenerator:
- name: {name}-config
  literals:
  - LOG_LEVEL=info
  - TIER={tier}
  - SHARD={i % 16}
  files:
  - app.properties
secretGenerator:
- name: {name}-secret
  literals:
  - password=pw-{i:06d}
  - token=tk-{(i * 7919) % 1000003:07d}
vars:
- name: {name.upper()}_SERVICE
  objref:
    apiVersion: v1
    kind: Service
    name: {name}
  fieldref:
    fieldpath: metadata.name
""")
    write(os.path.join(d, "app.properties"),
          "".join(f"{name}.setting.{k}=value-{(i * 31 + k) % 997}\n" for k in range(8)))
    write(os.path.join(d, "deployment.yaml"), f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  annotations:
    description: "the {name} {tier}"
spec:
  replicas: {1 + i % 3}
  template:
    metadata:
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: {name}
      containers:
      - name: main
        image: registry.example.com/team/{tier}:1.{i % 10}.0
        args: ["--listen=:8080", "--peer=$({name.upper()}_SERVICE)"]
        ports:
        - containerPort: 8080
          name: http
        - containerPort: 9090
          name: metrics
        env:
        - name: SERVICE_HOST
          value: $({name.upper()}_SERVICE)
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        envFrom:
        - configMapRef:
            name: {name}-config
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
        volumeMounts:
        - name: secret
          mountPath: /etc/secret
          readOnly: true
      - name: sidecar
        image: registry.example.com/infra/proxy:2.{i % 4}
        ports:
        - containerPort: 15001
      volumes:
      - name: secret
        secret:
          secretName: {name}-secret
""")
    write(os.path.join(d, "service.yaml"), f"""\
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  ports:
  - name: http
    port: 80
    targetPort: http
  - name: metrics
    port: 9090
    targetPort: metrics
""")
    write(os.path.join(d, "rbac.yaml"), f"""\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {name}-view
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: ServiceAccount
  name: {name}
""")
    write(os.path.join(d, "policy.yaml"), f"""\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 1
  maxReplicas: {4 + i % 8}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 75
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  minAvailable: 1
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}
spec:
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: monitoring
    ports:
    - port: 9090
""")
    write(os.path.join(d, "monitor.yaml"), f"""\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {name}
spec:
  endpoints:
  - port: metrics
    interval: 30s
""")


def platform(root, apps):
    write(os.path.join(root, "platform", "kustomization.yaml"),
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
          "commonAnnotations:\n  owner: platform-team\nresources:\n" +
          "".join("- ../apps/app%04d\n" % i for i in range(apps)))


def components(root):
    write(os.path.join(root, "components", "monitoring", "kustomization.yaml"), """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
labels:
- pairs:
    monitoring: enabled
patches:
- target:
    kind: ServiceMonitor
  patch: |-
    - op: replace
      path: /spec/endpoints/0/interval
      value: 15s
""")
    write(os.path.join(root, "components", "hardening", "kustomization.yaml"), """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
- target:
    kind: Deployment
    labelSelector: app.kubernetes.io/component=frontend
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          securityContext:
            runAsNonRoot: true
            seccompProfile:
              type: RuntimeDefault
""")


def overlay(root, env, apps):
    d = os.path.join(root, "overlays", env)
    naming = {"staging": "namePrefix: stg-\n", "production": "namePrefix: prod-\n",
              "canary": "nameSuffix: -canary\n"}[env]
    comps = {"staging": ["monitoring"], "production": ["monitoring", "hardening"],
             "canary": ["hardening"]}[env]
    write(os.path.join(d, "kustomization.yaml"), f"""\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: {env}
{naming}labels:
- pairs:
    environment: {env}
commonAnnotations:
  rendered-for: {env}
resources:
- ../../platform
components:
""" + "".join(f"- ../../components/{c}\n" for c in comps) + f"""\
configMapGenerator:
- name: cluster-info
  literals:
  - region=eu-west-{len(env)}
  - environment={env}
images:
- name: registry.example.com/team/frontend
  newTag: "{env}-7"
- name: registry.example.com/infra/proxy
  newName: mirror.example.com/proxy
  digest: sha256:{'ab' * 32}
replicas:
- name: app0000
  count: 5
patchesStrategicMerge:
- first-app.yaml
patchesJson6902:
- target:
    group: apps
    version: v1
    kind: Deployment
    name: app0001
  path: second-app.yaml
patches:
- path: all-deployments.yaml
  target:
    kind: Deployment
- target:
    kind: HorizontalPodAutoscaler
    labelSelector: app.kubernetes.io/component=backend
  patch: |-
    - op: replace
      path: /spec/minReplicas
      value: 2
- patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: app0002
    spec:
      type: LoadBalancer
replacements:
- source:
    kind: ConfigMap
    name: cluster-info
    fieldPath: data.region
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.metadata.annotations.region
    options:
      create: true
""")
    write(os.path.join(d, "first-app.yaml"), """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app0000
spec:
  template:
    spec:
      containers:
      - name: main
        resources:
          limits:
            memory: 1Gi
""")
    write(os.path.join(d, "second-app.yaml"), """\
- op: add
  path: /spec/template/spec/containers/0/env/-
  value:
    name: EXTRA
    value: "1"
""")
    write(os.path.join(d, "all-deployments.yaml"), f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: any
spec:
  revisionHistoryLimit: 3
  template:
    metadata:
      labels:
        environment: {env}
""")


def fleet(root, n):
    for j in range(1, n + 1):
        write(os.path.join(root, "fleet", "o%02d" % j, "kustomization.yaml"), f"""\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: tenant-{j:02d}
namePrefix: t{j:02d}-
labels:
- pairs:
    tenant: t{j:02d}
resources:
- ../../platform
images:
- name: registry.example.com/team/backend
  newTag: "tenant-{j}"
""")


def bigcm(root, keys):
    lines = "".join(f"  key-{k:06d}: value {k * 2654435761 % 4294967296}\n" for k in range(keys))
    write(os.path.join(root, "resource", "cm.yaml"),
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n" + lines)
    write(os.path.join(root, "resource", "kustomization.yaml"),
          "namespace: big\ncommonLabels:\n  size: large\nresources:\n- cm.yaml\n")
    write(os.path.join(root, "generated", "big.env"),
          "".join(f"key-{k:06d}=value {k * 2654435761 % 4294967296}\n" for k in range(keys)))
    write(os.path.join(root, "generated", "kustomization.yaml"),
          "namespace: big\nconfigMapGenerator:\n- name: big\n  envs:\n  - big.env\n")


def schema(depth, seed, width):
    """A CRD validation schema: nested objects with long descriptions, the
    bulk of a Prometheus operator CRD."""
    props = {}
    for k in range(width):
        name = "field%s%d" % ("abcdefgh"[(seed + k) % 8], k)
        desc = ("%s configures how the operator handles the %d-th setting of "
                "this object. When unset, the default of the referenced "
                "component applies; see the upstream documentation for the "
                "format and the accepted values (seed %d)." % (name, k, seed))
        if depth > 0 and k % 3 == 0:
            props[name] = ("object", desc, schema(depth - 1, seed * 7 + k, width))
        elif k % 3 == 1:
            props[name] = ("array", desc, None)
        else:
            props[name] = ("string" if k % 2 else "integer", desc, None)
    return props


def schema_yaml(props, indent):
    pad = " " * indent
    out = [pad + "properties:\n"]
    for name, (typ, desc, sub) in props.items():
        out.append(f"{pad}  {name}:\n{pad}    description: {desc}\n")
        if typ == "object":
            out.append(f"{pad}    type: object\n")
            out.append(schema_yaml(sub, indent + 4))
        elif typ == "array":
            out.append(f"{pad}    items:\n{pad}      type: string\n{pad}    type: array\n")
        else:
            fmt = f"{pad}    format: int32\n" if typ == "integer" else ""
            out.append(f"{fmt}{pad}    type: {typ}\n")
    return "".join(out)


def kube_prometheus(root):
    """A tree the size and shape of kube-prometheus: one kustomization
    listing 130 documents, 5.8 MB in all, most of it ten large CRDs and
    Grafana dashboards held as JSON strings in ConfigMaps."""
    files = []
    crds = ["alertmanagerconfigs", "alertmanagers", "podmonitors", "probes",
            "prometheusagents", "prometheuses", "prometheusrules", "scrapeconfigs",
            "servicemonitors", "thanosrulers"]
    for c, plural in enumerate(crds):
        kind = plural[:-1].capitalize()
        body = schema_yaml(schema(4, c + 1, 7), 8)
        files.append((f"setup/0{c}-{plural}-crd.yaml", f"""\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.13.0
    operator.prometheus.io/version: 0.70.0
  name: {plural}.monitoring.coreos.com
spec:
  group: monitoring.coreos.com
  names:
    categories:
    - prometheus-operator
    kind: {kind}
    listKind: {kind}List
    plural: {plural}
    singular: {plural[:-1]}
  scope: Namespaced
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: {kind} defines a {plural[:-1]} of the monitoring stack.
{body}        type: object
    served: true
    storage: true
    subresources:
      status: {{}}
"""))
    for d in range(25):
        panels = ",".join(
            '{"datasource":"$datasource","gridPos":{"h":7,"w":12,"x":%d,"y":%d},'
            '"id":%d,"targets":[{"expr":"sum(rate(container_cpu_usage_seconds_total'
            '{job=\\"kubelet\\", cluster=\\"$cluster\\", namespace=\\"$namespace\\"}[5m])) by (pod)",'
            '"legendFormat":"{{pod}}","refId":"A"}],"title":"Panel %d of dashboard %d","type":"timeseries"}'
            % (p % 2 * 12, p * 7, p, p, d) for p in range(250))
        files.append((f"grafana-dashboard-{d:02d}.yaml", f"""\
apiVersion: v1
data:
  dashboard-{d:02d}.json: |-
    {{"annotations":{{"list":[]}},"editable":false,"panels":[{panels}],"refresh":"10s","schemaVersion":39,"title":"Dashboard {d}","uid":"d{d:04d}"}}
kind: ConfigMap
metadata:
  labels:
    app.kubernetes.io/component: grafana
    app.kubernetes.io/name: grafana
  name: grafana-dashboard-{d:02d}
  namespace: monitoring
"""))
    kinds = ["ServiceAccount", "Service", "Deployment", "ClusterRole",
             "ClusterRoleBinding", "NetworkPolicy", "PodDisruptionBudget",
             "ServiceMonitor", "PrometheusRule", "Role", "RoleBinding"]
    for i in range(95):
        kind = kinds[i % len(kinds)]
        name = f"component-{i:02d}"
        labels = (f"    app.kubernetes.io/component: c{i % 9}\n"
                  f"    app.kubernetes.io/name: {name}\n"
                  f"    app.kubernetes.io/part-of: kube-prometheus\n"
                  f"    app.kubernetes.io/version: 0.{i}.1\n")
        head = {"Deployment": "apps/v1", "ClusterRole": "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
                "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
                "NetworkPolicy": "networking.k8s.io/v1", "PodDisruptionBudget": "policy/v1",
                "ServiceMonitor": "monitoring.coreos.com/v1",
                "PrometheusRule": "monitoring.coreos.com/v1"}.get(kind, "v1")
        ns = "" if kind.startswith("Cluster") else "  namespace: monitoring\n"
        text = f"apiVersion: {head}\nkind: {kind}\nmetadata:\n  labels:\n{labels}  name: {name}\n{ns}"
        if kind == "Deployment":
            text += f"""spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/default-container: {name}
      labels:
{labels.replace("    ", "        ")}    spec:
      containers:
      - args:
        - --web.listen-address=:9090
        - --config.file=/etc/{name}/config.yaml
        image: quay.io/prometheus/{name}:v2.{i}.0
        name: {name}
        ports:
        - containerPort: 9090
          name: web
        resources:
          limits:
            cpu: 200m
            memory: 400Mi
          requests:
            cpu: 100m
            memory: 200Mi
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
      nodeSelector:
        kubernetes.io/os: linux
      serviceAccountName: {name}
"""
        elif kind == "PrometheusRule":
            rules = "".join(f"""    - alert: Component{i}Alert{r}
      annotations:
        description: '{{{{ $labels.namespace }}}}/{{{{ $labels.pod }}}} ({{{{ $labels.container }}}}) is restarting {{{{ printf "%.2f" $value }}}} times / 10 minutes.'
        runbook_url: https://runbooks.prometheus-operator.dev/runbooks/general/alert{r}
        summary: Alert {r} of component {i} fired.
      expr: |
        increase(kube_pod_container_status_restarts_total{{job="kube-state-metrics"}}[10m]) > {r}
        and on (namespace, pod) kube_pod_status_ready{{condition="false"}} == 1
      for: 15m
      labels:
        severity: warning
""" for r in range(60))
            text += f"spec:\n  groups:\n  - name: component-{i}.rules\n    rules:\n{rules}"
        elif kind in ("ClusterRole", "Role"):
            text += "rules:\n" + "".join(
                f"- apiGroups:\n  - \"\"\n  resources:\n  - res{r}\n  verbs:\n  - get\n  - list\n  - watch\n"
                for r in range(8))
        elif kind in ("ClusterRoleBinding", "RoleBinding"):
            text += (f"roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {kind[:-7]}\n"
                     f"  name: {name}\nsubjects:\n- kind: ServiceAccount\n  name: {name}\n"
                     "  namespace: monitoring\n")
        elif kind == "Service":
            text += (f"spec:\n  ports:\n  - name: web\n    port: 9090\n    targetPort: web\n"
                     f"  selector:\n    app.kubernetes.io/name: {name}\n")
        elif kind == "ServiceMonitor":
            text += (f"spec:\n  endpoints:\n  - interval: 30s\n    port: web\n"
                     f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n")
        elif kind == "NetworkPolicy":
            text += (f"spec:\n  egress:\n  - {{}}\n  ingress:\n  - ports:\n    - port: 9090\n"
                     f"      protocol: TCP\n  podSelector:\n    matchLabels:\n"
                     f"      app.kubernetes.io/name: {name}\n  policyTypes:\n  - Egress\n  - Ingress\n")
        elif kind == "PodDisruptionBudget":
            text += (f"spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n"
                     f"      app.kubernetes.io/name: {name}\n")
        files.append((f"{name}-{kind.lower()}.yaml", text))
    for path, text in files:
        write(os.path.join(root, path), text)
    write(os.path.join(root, "kustomization.yaml"),
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" +
          "".join(f"- ./{path}\n" for path, _ in files))


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: gen.py DIR RESOURCES [--overlays N] | gen.py DIR --bigcm KEYS | gen.py DIR --kube-prometheus")
    root = argv[1]
    if argv[2] == "--kube-prometheus":
        kube_prometheus(root)
        return
    if argv[2] == "--bigcm":
        bigcm(root, int(argv[3]))
        return
    resources = int(argv[2])
    if resources % 10:
        sys.exit("RESOURCES must be a multiple of 10")
    apps = resources // 10
    for i in range(apps):
        app_base(root, i)
    platform(root, apps)
    components(root)
    for env in ("staging", "production", "canary"):
        overlay(root, env, apps)
    if len(argv) > 4 and argv[3] == "--overlays":
        fleet(root, int(argv[4]))


if __name__ == "__main__":
    main(sys.argv)
