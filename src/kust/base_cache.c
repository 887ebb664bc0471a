/*
 * Bases built once for many roots: `build --all` renders overlays that
 * mostly include the same bases, each in its own build with an arena of
 * its own. A base directory built as a `resources` entry is kept here
 * (resources, transformer configuration, vars, the warnings its build
 * wrote), copied into an arena of the cache, and a later root that
 * includes the same directory, reached by the same path through the same
 * file system, takes a deep copy into its own arena instead of building
 * it again.
 *
 * Promise: a root renders byte for byte as it would alone. A base is kept
 * only when nothing outside it shaped its build: no buildMetadata (origins
 * and transformer annotations name the path from the root), no custom
 * OpenAPI schema in force or set by it, no remote clone, and neither Helm
 * nor exec functions in the build's options; failed builds are not kept.
 * Roots run on several threads: the cache is locked while looked up or
 * filled, and what it holds is never modified once kept.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kust/pipeline.h"
#include "pleo/build.h"
#include "pleo/strmap.h"

typedef struct base_entry {
    struct base_entry *next;
    pr_arena *a; /* everything below */
    pr_resmap *m;
    pr_tconfig tconfig;
    pr_varset *vars;
    char *warnings;
    size_t warnings_len;
    size_t smp_work;
} base_entry;

struct pr_base_cache {
    pthread_mutex_t lock;
    pr_arena *a;        /* the keys and the map */
    pr_strmap *by_path; /* key -> base_entry */
    base_entry *entries;
};

pr_base_cache *pr_base_cache_new(void)
{
    pr_base_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->a = pr_arena_new();
    c->by_path = pr_strmap_new(c->a);
    return c;
}

void pr_base_cache_free(pr_base_cache *c)
{
    if (!c)
        return;
    for (base_entry *e = c->entries, *next; e; e = next) {
        next = e->next;
        pr_arena_free(e->a);
        free(e);
    }
    pr_arena_free(c->a);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Whether the build as it stands may use or fill the cache. */
static pr_base_cache *usable(const pr_build_ctx *ctx)
{
    const pr_build_options *o = ctx->opts;
    if (!o || !o->base_cache || ctx->origin || ctx->build_metadata || ctx->openapi_set ||
        ctx->n_clones || o->enable_helm || o->enable_exec || o->enable_alpha_plugins)
        return NULL;
    return o->base_cache;
}

/* A base is known by the file system it is read through, the path it is
 * reached by and its canonical directory. The file system counts because
 * two of them may hold different content under the same paths: diff's two
 * git revisions are both rooted at "/", so "/base" names two trees. Its
 * address is a fine identity, as every pr_fs outlives the builds, and so
 * the cache, that read through it. */
static const char *entry_key(pr_arena *a, const pr_fs *fs, const char *path,
                             const char *canonical)
{
    return pr_sprintf(a, "%p\n%s\n%s", (const void *)fs, path, canonical);
}

bool pr_base_cache_take(pr_build_ctx *ctx, const char *path, const char *canonical,
                        pr_accumulator *acc)
{
    pr_base_cache *c = usable(ctx);
    if (!c || !canonical || !ctx->warnings)
        return false;
    const char *key = entry_key(ctx->a, ctx->source_fs, path, canonical);
    pthread_mutex_lock(&c->lock);
    const base_entry *e = pr_strmap_get(c->by_path, key);
    pthread_mutex_unlock(&c->lock);
    if (!e)
        return false;
    /* Texts stay the cache's (never modified, and kept until every root
     * is done); everything a transformer may change is copied. */
    acc->m = pr_resmap_copy(ctx->a, e->m, false);
    *acc->tconfig = e->tconfig;
    acc->vars = pr_varset_copy(ctx->a, e->vars);
    if (e->warnings_len)
        pr_sb_add(ctx->warnings, e->warnings, e->warnings_len);
    ctx->smp_work += e->smp_work;
    return true;
}

pr_base_snapshot pr_base_cache_before(const pr_build_ctx *ctx)
{
    pr_base_snapshot s = {usable(ctx) != NULL && ctx->warnings, 0, ctx->smp_work,
                          ctx->helm_api_shared};
    if (s.usable)
        s.warnings_len = ctx->warnings->len;
    return s;
}

void pr_base_cache_keep(pr_build_ctx *ctx, const pr_base_snapshot *before, const char *path,
                        const char *canonical, const pr_accumulator *acc)
{
    pr_base_cache *c = usable(ctx);
    if (!before->usable || !c || !canonical || ctx->helm_api_shared != before->helm_api_shared ||
        ctx->warnings->len < before->warnings_len)
        return;
    base_entry *e = calloc(1, sizeof *e);
    if (!e)
        return;
    e->a = pr_arena_new();
    e->m = pr_resmap_copy(e->a, acc->m, true);
    pr_tconfig_copy(e->a, acc->tconfig, &e->tconfig);
    e->vars = pr_varset_copy(e->a, acc->vars);
    e->warnings_len = ctx->warnings->len - before->warnings_len;
    e->warnings = pr_strndup(e->a, ctx->warnings->buf + before->warnings_len, e->warnings_len);
    e->smp_work = ctx->smp_work - before->smp_work;
    pthread_mutex_lock(&c->lock);
    void **slot = pr_strmap_slot(c->by_path, entry_key(c->a, ctx->source_fs, path, canonical));
    bool fresh = !*slot;
    if (fresh) {
        *slot = e;
        e->next = c->entries;
        c->entries = e;
    }
    pthread_mutex_unlock(&c->lock);
    if (!fresh) { /* another root kept it first */
        pr_arena_free(e->a);
        free(e);
    }
}
