/*
 * Property checks on the Pleo stack as it is rendered: the production
 * promises of the manifests (probes, resources, non-root pods, the network
 * policy around the payment provider, a payment endpoint that names a real
 * Service and port, per-environment replicas and strategies, disruption
 * budgets, least-privilege RBAC, Argo CD roles that can sync only their own
 * Application). Each environment is rendered with the project's own
 * library, so the checks see exactly what would be applied.
 *
 * usage: check-stack PROJECT_ROOT   (exit 0 when every property holds)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pleo/build.h"
#include "pleo/yaml.h"

typedef struct {
    const char *env;
    int failures;
} checker;

static void fail(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(checker *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL [%s]: ", c->env);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    c->failures++;
}

/* Follows a '/'-separated path of mapping keys. */
static const pr_node *at(const pr_node *n, const char *path)
{
    char key[128];
    while (n && *path) {
        size_t len = strcspn(path, "/");
        snprintf(key, sizeof key, "%.*s", (int)len, path);
        n = pr_map_get(n, key);
        path += len + (path[len] == '/');
    }
    return n;
}

static const char *str_at(const pr_node *n, const char *path)
{
    return pr_scalar_text(at(n, path));
}

static bool is_true(const pr_node *n, const char *path)
{
    const char *s = str_at(n, path);
    return s && !strcmp(s, "true");
}

static long int_at(const pr_node *n, const char *path, long otherwise)
{
    const char *s = str_at(n, path);
    return s ? strtol(s, NULL, 10) : otherwise;
}

typedef struct {
    pr_node **items;
    size_t len;
} object_list;

static object_list render(pr_arena *a, checker *c, const char *dir)
{
    object_list out = {NULL, 0};
    pr_strbuf yaml, warnings;
    pr_error err;
    pr_sb_init(&yaml);
    pr_sb_init(&warnings);
    pr_error_init(&err);
    pr_doclist docs = {0};
    if (!pr_build_render(dir, NULL, &yaml, &warnings, &err))
        fail(c, "does not render: %s", pr_error_text(&err));
    else if (!pr_yaml_parse(a, dir, yaml.buf, yaml.len, &docs, &err))
        fail(c, "rendered YAML does not parse: %s", pr_error_text(&err));
    out.items = docs.docs;
    out.len = docs.len;
    pr_sb_release(&yaml);
    pr_sb_release(&warnings);
    pr_error_release(&err);
    return out;
}

static pr_node *find(const object_list *objs, const char *kind, const char *name)
{
    for (size_t i = 0; i < objs->len; i++)
        if (pr_scalar_is(pr_map_get(objs->items[i], "kind"), kind) &&
            (!name || pr_scalar_is(at(objs->items[i], "metadata/name"), name)))
            return objs->items[i];
    return NULL;
}

/* True when every label `selector` asks for is in `labels`. */
static bool selects(const pr_node *selector, const pr_node *labels)
{
    if (!selector || selector->kind != PR_MAP || selector->map.len == 0)
        return false;
    for (size_t i = 0; i < selector->map.len; i++) {
        const char *want = pr_scalar_text(selector->map.items[i].value);
        const char *have = pr_map_get_str(labels, selector->map.items[i].key->scalar.text);
        if (!want || !have || strcmp(want, have))
            return false;
    }
    return true;
}

static bool list_has(const pr_node *list, const char *s)
{
    for (size_t i = 0; list && list->kind == PR_SEQ && i < list->seq.len; i++)
        if (pr_scalar_is(list->seq.items[i], s))
            return true;
    return false;
}

static void check_container(checker *c, const char *dep, const pr_node *pod, const pr_node *ct)
{
    const char *name = str_at(ct, "name");
    for (const char *const *probe = (const char *const[]){"livenessProbe", "readinessProbe",
                                                          "startupProbe", NULL};
         *probe; probe++)
        if (!at(ct, *probe))
            fail(c, "%s/%s has no %s", dep, name, *probe);
    for (const char *const *r = (const char *const[]){"requests/cpu", "requests/memory",
                                                      "limits/cpu", "limits/memory", NULL};
         *r; r++)
        if (!str_at(at(ct, "resources"), *r))
            fail(c, "%s/%s has no resources.%s", dep, name, *r);
    const pr_node *sc = at(ct, "securityContext");
    if (!pr_scalar_is(at(sc, "allowPrivilegeEscalation"), "false"))
        fail(c, "%s/%s may escalate privileges", dep, name);
    if (!list_has(at(sc, "capabilities/drop"), "ALL"))
        fail(c, "%s/%s does not drop all capabilities", dep, name);
    if (!is_true(sc, "readOnlyRootFilesystem")) {
        fail(c, "%s/%s has a writable root filesystem", dep, name);
    } else {
        /* Whatever must be writable is an emptyDir, and /tmp is. */
        bool tmp = false;
        const pr_node *mounts = at(ct, "volumeMounts");
        for (size_t i = 0; mounts && mounts->kind == PR_SEQ && i < mounts->seq.len; i++) {
            const char *vol = str_at(mounts->seq.items[i], "name");
            const pr_node *vols = at(pod, "volumes");
            const pr_node *found = NULL;
            for (size_t v = 0; vols && vols->kind == PR_SEQ && v < vols->seq.len; v++)
                if (vol && pr_scalar_is(at(vols->seq.items[v], "name"), vol))
                    found = vols->seq.items[v];
            if (!found)
                fail(c, "%s/%s mounts volume %s, which the pod lacks", dep, name, vol ? vol : "?");
            if (found && at(found, "emptyDir") &&
                pr_scalar_is(at(mounts->seq.items[i], "mountPath"), "/tmp"))
                tmp = true;
        }
        if (!tmp)
            fail(c, "%s/%s has no writable /tmp (emptyDir)", dep, name);
    }
}

static void check_workloads(checker *c, const object_list *objs)
{
    int deployments = 0;
    for (size_t i = 0; i < objs->len; i++) {
        const pr_node *o = objs->items[i];
        if (!pr_scalar_is(pr_map_get(o, "kind"), "Deployment"))
            continue;
        deployments++;
        const char *dep = str_at(o, "metadata/name");
        const pr_node *pod = at(o, "spec/template/spec");
        if (!is_true(pod, "securityContext/runAsNonRoot"))
            fail(c, "%s pods may run as root", dep);
        if (!pr_scalar_is(at(pod, "securityContext/seccompProfile/type"), "RuntimeDefault"))
            fail(c, "%s pods lack the RuntimeDefault seccomp profile", dep);
        if (!pr_scalar_is(at(pod, "automountServiceAccountToken"), "false"))
            fail(c, "%s pods mount an API token they never use", dep);
        const pr_node *cts = at(pod, "containers");
        for (size_t k = 0; cts && cts->kind == PR_SEQ && k < cts->seq.len; k++)
            check_container(c, dep, pod, cts->seq.items[k]);
    }
    if (deployments != 2)
        fail(c, "expected the two Deployments, found %d", deployments);
}

static const pr_node *pod_labels(const object_list *objs, const char *deployment)
{
    return at(find(objs, "Deployment", deployment), "spec/template/metadata/labels");
}

static void check_network_policy(checker *c, const object_list *objs)
{
    const pr_node *adapter = pod_labels(objs, "app-sinatra-money-adapter");
    const pr_node *tinjis = pod_labels(objs, "app-tinjis");
    const pr_node *policy = NULL;
    for (size_t i = 0; i < objs->len; i++)
        if (pr_scalar_is(pr_map_get(objs->items[i], "kind"), "NetworkPolicy") &&
            selects(at(objs->items[i], "spec/podSelector/matchLabels"), adapter))
            policy = objs->items[i];
    if (!policy) {
        fail(c, "no NetworkPolicy selects the payment provider's pods");
        return;
    }
    if (!list_has(at(policy, "spec/policyTypes"), "Ingress"))
        fail(c, "the payment provider's NetworkPolicy does not restrict ingress");
    const pr_node *rules = at(policy, "spec/ingress");
    if (!rules || rules->kind != PR_SEQ || rules->seq.len == 0) {
        fail(c, "the payment provider's NetworkPolicy admits nobody, not even tinjis");
        return;
    }
    /* The provider's one container port is the one port to admit. */
    const pr_node *cts = at(find(objs, "Deployment", "app-sinatra-money-adapter"),
                            "spec/template/spec/containers");
    const pr_node *cports = cts && cts->kind == PR_SEQ ? at(cts->seq.items[0], "ports") : NULL;
    long port = cports && cports->kind == PR_SEQ && cports->seq.len
                    ? int_at(cports->seq.items[0], "containerPort", -1) : -1;
    for (size_t r = 0; r < rules->seq.len; r++) {
        const pr_node *rule = rules->seq.items[r];
        const pr_node *from = at(rule, "from");
        if (!from || from->kind != PR_SEQ || from->seq.len == 0)
            fail(c, "an ingress rule of the provider's policy admits every source");
        for (size_t f = 0; from && from->kind == PR_SEQ && f < from->seq.len; f++) {
            const pr_node *peer = from->seq.items[f];
            if (at(peer, "ipBlock") || at(peer, "namespaceSelector") ||
                !selects(at(peer, "podSelector/matchLabels"), tinjis) ||
                selects(at(peer, "podSelector/matchLabels"), adapter))
                fail(c, "the provider's policy admits sources other than tinjis pods");
        }
        const pr_node *ports = at(rule, "ports");
        if (!ports || ports->kind != PR_SEQ || ports->seq.len != 1 ||
            int_at(ports->seq.items[0], "port", -1) != port)
            fail(c, "the provider's policy must admit its container port %ld only", port);
    }
}

/* The tinjis config map's PAYMENT_PROVIDER_ENDPOINT must be
 * http://SERVICE.NAMESPACE.svc[.cluster.local]:PORT for a Service and port
 * of this same render. */
static void check_payment_endpoint(checker *c, const object_list *objs)
{
    const pr_node *dep = find(objs, "Deployment", "app-tinjis");
    const pr_node *cts = at(dep, "spec/template/spec/containers");
    const pr_node *env_from = cts && cts->kind == PR_SEQ ? at(cts->seq.items[0], "envFrom") : NULL;
    const char *cm_name = env_from && env_from->kind == PR_SEQ && env_from->seq.len
                              ? str_at(env_from->seq.items[0], "configMapRef/name") : NULL;
    const pr_node *cm = cm_name ? find(objs, "ConfigMap", cm_name) : NULL;
    const char *endpoint = str_at(cm, "data/PAYMENT_PROVIDER_ENDPOINT");
    if (!endpoint) {
        fail(c, "tinjis has no PAYMENT_PROVIDER_ENDPOINT in its config map");
        return;
    }
    char host[256];
    long port;
    if (sscanf(endpoint, "http://%255[^:/]:%ld", host, &port) != 2) {
        fail(c, "PAYMENT_PROVIDER_ENDPOINT '%s' is not http://HOST:PORT", endpoint);
        return;
    }
    char *dot = strchr(host, '.');
    char *svc_suffix = dot ? strchr(dot + 1, '.') : NULL;
    if (!dot || !svc_suffix || (strcmp(svc_suffix, ".svc") && strcmp(svc_suffix, ".svc.cluster.local"))) {
        fail(c, "PAYMENT_PROVIDER_ENDPOINT host '%s' is not SERVICE.NAMESPACE.svc", host);
        return;
    }
    *dot = '\0';
    *svc_suffix = '\0';
    const char *svc_name = host, *ns = dot + 1;
    const pr_node *svc = find(objs, "Service", svc_name);
    if (!svc || !pr_scalar_is(at(svc, "metadata/namespace"), ns)) {
        fail(c, "PAYMENT_PROVIDER_ENDPOINT names Service %s in %s, which this render lacks",
             svc_name, ns);
        return;
    }
    const pr_node *ports = at(svc, "spec/ports");
    bool found = false;
    for (size_t i = 0; ports && ports->kind == PR_SEQ && i < ports->seq.len; i++)
        found |= int_at(ports->seq.items[i], "port", -1) == port;
    if (!found)
        fail(c, "Service %s has no port %ld", svc_name, port);
}

static void check_rbac(checker *c, const object_list *objs)
{
    for (size_t i = 0; i < objs->len; i++) {
        const pr_node *o = objs->items[i];
        if (!pr_scalar_is(pr_map_get(o, "kind"), "Role") &&
            !pr_scalar_is(pr_map_get(o, "kind"), "ClusterRole"))
            continue;
        const char *name = str_at(o, "metadata/name");
        const pr_node *rules = at(o, "rules");
        if (!rules || rules->kind != PR_SEQ || rules->seq.len == 0)
            fail(c, "Role %s grants nothing", name);
        for (size_t r = 0; rules && rules->kind == PR_SEQ && r < rules->seq.len; r++) {
            const pr_node *rule = rules->seq.items[r];
            if (list_has(at(rule, "verbs"), "*") || list_has(at(rule, "resources"), "*") ||
                list_has(at(rule, "apiGroups"), "*"))
                fail(c, "Role %s uses wildcards", name);
            const pr_node *verbs = at(rule, "verbs");
            for (size_t v = 0; verbs && verbs->kind == PR_SEQ && v < verbs->seq.len; v++)
                if (!pr_scalar_is(verbs->seq.items[v], "get") &&
                    !pr_scalar_is(verbs->seq.items[v], "list") &&
                    !pr_scalar_is(verbs->seq.items[v], "watch"))
                    fail(c, "Role %s may %s", name, pr_scalar_text(verbs->seq.items[v]));
            if (!at(rule, "resourceNames"))
                fail(c, "Role %s is not limited to named objects", name);
        }
    }
}

static void check_replicas(checker *c, const object_list *objs, bool production)
{
    for (size_t i = 0; i < objs->len; i++) {
        const pr_node *o = objs->items[i];
        if (!pr_scalar_is(pr_map_get(o, "kind"), "Deployment"))
            continue;
        const char *name = str_at(o, "metadata/name");
        long replicas = int_at(o, "spec/replicas", 1);
        const char *strategy = str_at(o, "spec/strategy/type");
        if (!production) {
            if (replicas != 1)
                fail(c, "%s runs %ld replicas on minikube", name, replicas);
            /* One node cannot fit two JVMs: tinjis is replaced, not rolled. */
            if (!strcmp(name, "app-tinjis") && (!strategy || strcmp(strategy, "Recreate")))
                fail(c, "%s does not use Recreate on minikube", name);
            continue;
        }
        if (replicas < 2)
            fail(c, "%s runs %ld replica(s) in production", name, replicas);
        if (strategy && strcmp(strategy, "RollingUpdate"))
            fail(c, "%s does not roll updates in production", name);
        if (int_at(o, "spec/strategy/rollingUpdate/maxUnavailable", 1) != 0)
            fail(c, "%s may drop below capacity during a rollout", name);
        const pr_node *labels = at(o, "spec/template/metadata/labels");
        bool budget = false;
        for (size_t p = 0; p < objs->len; p++)
            if (pr_scalar_is(pr_map_get(objs->items[p], "kind"), "PodDisruptionBudget") &&
                selects(at(objs->items[p], "spec/selector/matchLabels"), labels) &&
                int_at(objs->items[p], "spec/minAvailable", 0) >= 1)
                budget = true;
        if (!budget)
            fail(c, "%s has no PodDisruptionBudget keeping a pod available", name);
    }
}

/* Every project role may get and sync exactly one Application, its own. */
static void check_argocd(checker *c, const object_list *objs, const char *root)
{
    const pr_node *project = find(objs, "AppProject", NULL);
    const pr_node *roles = at(project, "spec/roles");
    if (!roles || roles->kind != PR_SEQ) {
        fail(c, "no AppProject roles");
        return;
    }
    size_t apps = 0;
    for (size_t i = 0; i < objs->len; i++) {
        const pr_node *app = objs->items[i];
        if (!pr_scalar_is(pr_map_get(app, "kind"), "Application"))
            continue;
        apps++;
        const char *name = str_at(app, "metadata/name");
        if (at(app, "spec/syncPolicy/automated"))
            fail(c, "Application %s syncs automatically", name);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/kustomization.yaml", root, str_at(app, "spec/source/path"));
        FILE *f = fopen(path, "r");
        if (!f)
            fail(c, "Application %s points at %s, which is no kustomization", name, path);
        else
            fclose(f);
        char want[256];
        snprintf(want, sizeof want, "%s/%s", str_at(project, "metadata/name"), name);
        size_t owners = 0;
        for (size_t r = 0; r < roles->seq.len; r++) {
            const pr_node *pol = at(roles->seq.items[r], "policies");
            bool syncs_this = false, other = false;
            for (size_t p = 0; pol && pol->kind == PR_SEQ && p < pol->seq.len; p++) {
                char subject[128], resource[64], action[64], object[256], effect[16];
                const char *line = pr_scalar_text(pol->seq.items[p]);
                if (!line || sscanf(line, "p, %127[^,], %63[^,], %63[^,], %255[^,], %15s", subject,
                                    resource, action, object, effect) != 5) {
                    fail(c, "unreadable policy in role %s", str_at(roles->seq.items[r], "name"));
                    continue;
                }
                if (strcmp(action, "get") && strcmp(action, "sync"))
                    fail(c, "role %s may %s", str_at(roles->seq.items[r], "name"), action);
                if (!strcmp(object, want) && !strcmp(action, "sync"))
                    syncs_this = true;
                else if (strcmp(object, want))
                    other = true;
            }
            if (syncs_this) {
                owners++;
                if (other)
                    fail(c, "the role syncing %s reaches other Applications too", name);
            }
        }
        if (owners != 1)
            fail(c, "%zu roles may sync Application %s, want exactly 1", owners, name);
    }
    if (apps != 2)
        fail(c, "expected one Application per service, found %zu", apps);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: check-stack PROJECT_ROOT\n");
        return 2;
    }
    const char *root = argv[1];
    int failures = 0;
    static const char *const envs[] = {"minikube", "production"};
    for (size_t e = 0; e < 2; e++) {
        pr_arena *a = pr_arena_new();
        checker c = {envs[e], 0};
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/environments/%s", root, envs[e]);
        object_list objs = render(a, &c, dir);
        if (!c.failures) {
            check_workloads(&c, &objs);
            check_network_policy(&c, &objs);
            check_payment_endpoint(&c, &objs);
            check_rbac(&c, &objs);
            check_replicas(&c, &objs, !strcmp(envs[e], "production"));
        }
        failures += c.failures;
        pr_arena_free(a);
    }
    pr_arena *a = pr_arena_new();
    checker c = {"argocd", 0};
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/environments/argocd", root);
    object_list objs = render(a, &c, dir);
    if (!c.failures)
        check_argocd(&c, &objs, root);
    failures += c.failures;
    pr_arena_free(a);
    if (failures) {
        fprintf(stderr, "%d stack properties broken\n", failures);
        return 1;
    }
    printf("stack properties hold for minikube, production and argocd\n");
    return 0;
}
