/*
 * The field-spec walker: follows a spec's path through one object and
 * hands each field it reaches to a transformer's visitor. It owns the
 * rules every transformer shares: kind selection, entering lists, creating
 * missing fields only when both the spec and the transformer allow it, and
 * turning a null field into the kind being created.
 */
#include "pleo/fieldspec.h"

#include <string.h>

static bool selector_field_matches(const char *want, const char *have)
{
    return !want || !*want || (have && strcmp(want, have) == 0);
}

bool pr_gvk_selects(const pr_gvk *selector, const pr_gvk *gvk)
{
    return selector_field_matches(selector->group, gvk->group) &&
           selector_field_matches(selector->version, gvk->version) &&
           selector_field_matches(selector->kind, gvk->kind);
}

const char *const pr_kind_order_first[] = {
    "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition",
    "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole",
    "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints",
    "Service", "LimitRange", "PriorityClass", "PersistentVolume",
    "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob",
    "PodDisruptionBudget"};
const size_t pr_kind_order_first_len =
    sizeof pr_kind_order_first / sizeof pr_kind_order_first[0];
const char *const pr_kind_order_last[] = {"MutatingWebhookConfiguration",
                                          "ValidatingWebhookConfiguration"};
const size_t pr_kind_order_last_len =
    sizeof pr_kind_order_last / sizeof pr_kind_order_last[0];

/* Negative for order-first kinds, positive for order-last ones, else 0. */
static int kind_place(const char *kind)
{
    if (!kind || !*kind)
        return 0;
    for (size_t i = 0; i < pr_kind_order_first_len; i++)
        if (!strcmp(kind, pr_kind_order_first[i]))
            return (int)i - (int)pr_kind_order_first_len;
    for (size_t i = 0; i < pr_kind_order_last_len; i++)
        if (!strcmp(kind, pr_kind_order_last[i]))
            return (int)i + 1;
    return 0;
}

/* Compares the "group_version_kind" texts of x and y without building them:
 * the three parts (placeholders for empty ones) and their separators are
 * read as one byte stream each. */
static int compare_sort_strings(const pr_gvk *x, const pr_gvk *y)
{
    const char *xs[5], *ys[5];
    const char *const placeholders[3] = {"~G", "~V", "~K"};
    const char *xp[3] = {x->group, x->version, x->kind};
    const char *yp[3] = {y->group, y->version, y->kind};
    for (int i = 0; i < 3; i++) {
        xs[2 * i] = xp[i] && *xp[i] ? xp[i] : placeholders[i];
        ys[2 * i] = yp[i] && *yp[i] ? yp[i] : placeholders[i];
        if (i < 2)
            xs[2 * i + 1] = ys[2 * i + 1] = "_";
    }
    size_t xi = 0, yi = 0;
    const char *xc = xs[0], *yc = ys[0];
    for (;;) {
        while (!*xc && xi < 4)
            xc = xs[++xi];
        while (!*yc && yi < 4)
            yc = ys[++yi];
        unsigned char a = (unsigned char)*xc, b = (unsigned char)*yc;
        if (a != b || !a)
            return (int)a - (int)b;
        xc++;
        yc++;
    }
}

int pr_gvk_compare(const pr_gvk *x, const pr_gvk *y)
{
    int px = kind_place(x->kind), py = kind_place(y->kind);
    if (px != py)
        return px < py ? -1 : 1;
    return compare_sort_strings(x, y);
}

static const char *or_placeholder(const char *s, const char *placeholder)
{
    return s && *s ? s : placeholder;
}

pr_gvk pr_gvk_copy(pr_arena *a, const pr_gvk *gvk)
{
    pr_gvk c = {gvk->group ? pr_strdup(a, gvk->group) : NULL,
                gvk->version ? pr_strdup(a, gvk->version) : NULL,
                gvk->kind ? pr_strdup(a, gvk->kind) : NULL};
    return c;
}

const char *pr_gvk_string(pr_arena *a, const pr_gvk *gvk)
{
    return pr_sprintf(a, "%s.%s.%s", or_placeholder(gvk->kind, "[noKind]"),
                      or_placeholder(gvk->version, "[noVer]"),
                      or_placeholder(gvk->group, "[noGrp]"));
}

typedef struct {
    char **segs;
    bool *is_list; /* segment was written "name[]": never created */
    size_t n;
} split;

/* Room for the paths of kustomize's field specs without touching the
 * arena: a walk happens for every object and spec, and copies would
 * outweigh the objects themselves. Longer paths use the arena. */
enum { SPLIT_TEXT = 256, SPLIT_SEGS = 32 };

typedef struct {
    char text[SPLIT_TEXT];
    char *segs[SPLIT_SEGS];
    bool is_list[SPLIT_SEGS];
} split_room;

/* Splits "a/b\/c/d[]" into segments, in `room` when they fit. Lists are
 * entered wherever they are met; the "[]" mark only says the field is a
 * list, which must not be created as a mapping when missing. */
static void split_path(pr_arena *a, const char *path, split_room *room, split *out)
{
    size_t len = strlen(path), most = 1;
    for (size_t i = 0; i < len; i++)
        most += path[i] == '/';
    char *text = len < SPLIT_TEXT ? room->text : pr_alloc(a, len + 1);
    char **segs = most <= SPLIT_SEGS ? room->segs : pr_alloc(a, most * sizeof *segs);
    bool *is_list = most <= SPLIT_SEGS ? room->is_list : pr_alloc(a, most * sizeof *is_list);
    size_t n = 0, k = 0;
    char *cur = text;
    for (size_t i = 0; i <= len; i++) {
        char c = path[i];
        if (c == '\\' && path[i + 1] == '/') {
            cur[k++] = '/';
            i++;
            continue;
        }
        if (c == '/' || c == '\0') {
            cur[k] = '\0';
            bool list = k >= 2 && cur[k - 2] == '[' && cur[k - 1] == ']';
            if (list)
                cur[k - 2] = '\0';
            is_list[n] = list;
            segs[n++] = cur;
            cur += k + 1;
            k = 0;
            continue;
        }
        cur[k++] = c;
    }
    out->segs = segs;
    out->is_list = is_list;
    out->n = n;
}

typedef struct {
    pr_arena *a;
    const pr_fieldspec *spec;
    split path;
    pr_create_kind create;
    pr_field_visitor visit;
    void *ctx;
    pr_error *err;
} walk;

static pr_node *new_of_kind(pr_arena *a, pr_create_kind kind)
{
    return kind == PR_CREATE_MAP ? pr_node_map(a) : pr_node_str(a, "");
}

static bool walk_node(walk *w, pr_node **slot, size_t depth);

static bool walk_field(walk *w, pr_node *map, size_t depth)
{
    const char *key = w->path.segs[depth];
    if (!*key) /* only user configurations can hold such a path */
        return pr_error_set(w->err, "considering field '%s': cannot set or create an empty "
                            "field name", w->spec->path);
    bool last = depth + 1 == w->path.n;
    bool may_create = w->spec->create && w->create != PR_CREATE_NONE &&
                      !w->path.is_list[depth];
    pr_create_kind kind = last ? w->create : PR_CREATE_MAP;
    long idx = pr_map_index(map, key);
    if (idx < 0) {
        if (!may_create)
            return true;
        pr_map_set(w->a, map, key, new_of_kind(w->a, kind));
        idx = (long)map->map.len - 1;
    } else if (may_create && pr_node_is_null(map->map.items[idx].value)) {
        map->map.items[idx].value = new_of_kind(w->a, kind);
    }
    return walk_node(w, &map->map.items[idx].value, depth + 1);
}

static bool walk_node(walk *w, pr_node **slot, size_t depth)
{
    pr_node *n = *slot;
    if (depth == w->path.n)
        return w->visit(w->a, slot, w->ctx, w->err);
    if (pr_node_is_null(n))
        return true;
    switch (n->kind) {
    case PR_SEQ:
        for (size_t i = 0; i < n->seq.len; i++)
            if (!walk_node(w, &n->seq.items[i], depth))
                return false;
        return true;
    case PR_MAP:
        return walk_field(w, n, depth);
    case PR_SCALAR:
        break;
    }
    return pr_error_set(w->err, "considering field '%s': expected sequence or mapping node",
                        w->spec->path);
}

bool pr_fieldspec_walk(pr_arena *a, pr_node *obj, const pr_gvk *gvk,
                       const pr_fieldspec *spec, pr_create_kind create,
                       pr_field_visitor visit, void *ctx, pr_error *err)
{
    if (!pr_gvk_selects(&spec->gvk, gvk))
        return true;
    walk w = {a, spec, {NULL, NULL, 0}, create, visit, ctx, err};
    split_room room;
    split_path(a, spec->path, &room, &w.path);
    pr_node *root = obj;
    return walk_node(&w, &root, 0);
}

bool pr_fieldspec_walk_list(pr_arena *a, pr_node *obj, const pr_gvk *gvk,
                            const pr_fieldspec_list *list,
                            pr_create_kind create, pr_field_visitor visit,
                            void *ctx, pr_error *err)
{
    for (size_t i = 0; i < list->len; i++)
        if (!pr_fieldspec_walk(a, obj, gvk, &list->specs[i], create, visit,
                               ctx, err))
            return false;
    return true;
}
