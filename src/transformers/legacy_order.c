/*
 * kustomize's default ("legacy") output order: kinds listed in
 * kind_order_first come first in that order, kinds in kind_order_last come
 * last, everything else sits between; ties break on a fixed id string, so
 * the order is total and independent of input order.
 */
#include <stdlib.h>
#include <string.h>

#include "kust/pipeline.h"

static const char *const kind_order_first[] = {
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
    "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole",
    "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints",
    "Service", "LimitRange", "PriorityClass", "PersistentVolume",
    "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob",
    "PodDisruptionBudget"};
static const char *const kind_order_last[] = {"MutatingWebhookConfiguration",
                                              "ValidatingWebhookConfiguration"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int kind_rank(const char *kind)
{
    for (size_t i = 0; i < COUNT(kind_order_first); i++)
        if (!strcmp(kind, kind_order_first[i]))
            return (int)i - (int)COUNT(kind_order_first);
    for (size_t i = 0; i < COUNT(kind_order_last); i++)
        if (!strcmp(kind, kind_order_last[i]))
            return (int)i + 1;
    return 0;
}

typedef struct {
    pr_resource *r;
    int rank;
    pr_gvk gvk;
    const char *gvk_key; /* group_version_kind with ~G/~V/~K placeholders */
    const char *id_key;  /* Kind.version.group|namespace|name */
} sort_entry;

static const char *or_placeholder(const char *s, const char *placeholder)
{
    return s && *s ? s : placeholder;
}

static int compare_entries(const void *x, const void *y)
{
    const sort_entry *a = x, *b = y;
    bool same_gvk = !strcmp(a->gvk.group, b->gvk.group) &&
                    !strcmp(a->gvk.version, b->gvk.version) &&
                    !strcmp(a->gvk.kind, b->gvk.kind);
    if (!same_gvk) {
        if (a->rank != b->rank)
            return a->rank < b->rank ? -1 : 1;
        int c = strcmp(a->gvk_key, b->gvk_key);
        /* kustomize inverts the order of Namespace objects when one of
         * them has no group. */
        if (!strcmp(a->gvk.kind, "Namespace") && !strcmp(b->gvk.kind, "Namespace") &&
            (!*a->gvk.group || !*b->gvk.group))
            c = -c;
        return c;
    }
    return strcmp(a->id_key, b->id_key);
}

void pr_tf_legacy_order(pr_build_ctx *ctx, pr_resmap *m)
{
    size_t n = pr_resmap_len(m);
    sort_entry *entries = pr_alloc(ctx->a, (n ? n : 1) * sizeof *entries);
    for (size_t i = 0; i < n; i++) {
        sort_entry *e = &entries[i];
        e->r = pr_resmap_at(m, i);
        pr_resid id = pr_resource_id(ctx->a, e->r);
        e->gvk = id.gvk;
        e->rank = kind_rank(id.gvk.kind);
        e->gvk_key = pr_sprintf(ctx->a, "%s_%s_%s", or_placeholder(id.gvk.group, "~G"),
                                or_placeholder(id.gvk.version, "~V"),
                                or_placeholder(id.gvk.kind, "~K"));
        e->id_key = pr_sprintf(ctx->a, "%s.%s.%s|%s|%s",
                               or_placeholder(id.gvk.kind, "[noKind]"),
                               or_placeholder(id.gvk.version, "[noVer]"),
                               or_placeholder(id.gvk.group, "[noGrp]"),
                               or_placeholder(id.namespace, "~X"),
                               or_placeholder(id.name, "~N"));
    }
    qsort(entries, n, sizeof *entries, compare_entries);
    for (size_t i = 0; i < n; i++)
        pr_resmap_replace(m, i, entries[i].r);
}
