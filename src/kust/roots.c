/*
 * Many roots in one process (see pleo/roots.h): finding the roots of a
 * tree, sharding them, and rendering them on a pool of threads.
 *
 * Discovery reads only through a pr_fs, so a git revision (pr_fs_git) is
 * searched exactly as a directory on disk is.
 *
 * Every root is rendered by pr_build_render (or pr_build_resources) with an
 * arena of its own, so the threads share nothing they write but the cache
 * of built bases (src/kust/base_cache.c, locked): the pipeline keeps its
 * state in the build context, and the few process-wide things it touches
 * (the locale used to order keys, the builtin schema table) are set up
 * once under pthread_once. Roots are handed out one at a time from an
 * atomic counter, so a slow root does not hold up a thread's share of
 * quick ones; each writes only its own pr_root, so results come in the
 * order of the array whatever order they finish in.
 */
#include "pleo/roots.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pleo/node.h"
#include "pleo/strmap.h"
#include "pleo/yaml.h"

typedef struct {
    pr_arena *a;
    const pr_fs *fs;
    const pr_roots_find_options *o;
    pr_root *found;
    size_t len, cap;
    const char **files; /* kustomization file of each found root */
    const char **canonicals; /* canonical directory of each */
    size_t files_cap, canonicals_cap;
    pr_strmap *included; /* canonical directories some kustomization lists */
} finder;

/* Whether the caller leaves out `name` in `dir_rel` (relative to the
 * searched directory, `suffix` "/" for a directory). */
static bool ignored(const finder *f, const char *dir_rel, const char *name, const char *suffix)
{
    if (!f->o->ignored)
        return false;
    const char *rel = *dir_rel ? pr_sprintf(f->a, "%s/%s%s", dir_rel, name, suffix)
                               : pr_sprintf(f->a, "%s%s", name, suffix);
    return f->o->ignored(rel, f->o->ignored_ctx);
}

static bool walk(finder *f, const char *dir, const char *rel, pr_error *err)
{
    const char *file = pr_kustomization_file_in(f->fs, f->a, dir);
    if (file) {
        const char *slash = strrchr(file, '/');
        if (ignored(f, rel, slash ? slash + 1 : file, ""))
            file = NULL;
    }
    if (file) {
        f->found = pr_grow(f->a, f->found, sizeof *f->found, &f->cap, f->len + 1);
        f->files = pr_grow(f->a, f->files, sizeof *f->files, &f->files_cap, f->len + 1);
        f->canonicals = pr_grow(f->a, f->canonicals, sizeof *f->canonicals,
                                &f->canonicals_cap, f->len + 1);
        pr_root_init(&f->found[f->len], dir, rel);
        f->canonicals[f->len] = f->fs->canonical(f->fs, f->a, dir);
        f->files[f->len++] = file;
    }
    /* Sorted by list_dir, so discovery (and its errors) do not depend on
     * the order a directory lists in. */
    pr_dir_entry *entries;
    size_t n;
    if (!f->fs->list_dir(f->fs, f->a, dir, &entries, &n, err))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!entries[i].is_dir || entries[i].name[0] == '.')
            continue;
        if (ignored(f, rel, entries[i].name, "/"))
            continue;
        const char *sub_rel = *rel ? pr_sprintf(f->a, "%s/%s", rel, entries[i].name)
                                   : entries[i].name;
        if (!walk(f, pr_path_join(f->a, dir, entries[i].name), sub_rel, err))
            return false;
    }
    return true;
}

/* Marks the directories the kustomization at `file` (found root `i`)
 * lists. Keys are matched ignoring case, as kustomize decodes them. */
static bool mark_included(finder *f, size_t i, pr_error *err)
{
    const char *dir = f->found[i].dir, *file = f->files[i], *self = f->canonicals[i];
    pr_strbuf text;
    pr_sb_init(&text);
    pr_doclist docs = {0};
    pr_error *strict = f->o->lenient ? NULL : err;
    bool ok = f->fs->read_file(f->fs, file, &text, strict) &&
              pr_yaml_parse(f->a, file, text.buf, text.len, &docs, strict);
    pr_sb_release(&text);
    if (!ok)
        return f->o->lenient; /* leniently: it includes nothing */
    const pr_node *root = docs.len ? docs.docs[0] : NULL;
    if (!root || root->kind != PR_MAP)
        return true; /* rendering it will say what is wrong */
    /* A component is made to be included, not built alone. */
    if (pr_scalar_is(pr_map_get(root, "kind"), "Component") && self)
        *pr_strmap_slot(f->included, self) = (void *)1;
    for (size_t k = 0; k < root->map.len; k++) {
        const char *key = root->map.items[k].key->scalar.text;
        const pr_node *list = root->map.items[k].value;
        if ((strcasecmp(key, "resources") && strcasecmp(key, "bases") &&
             strcasecmp(key, "components")) || list->kind != PR_SEQ)
            continue;
        for (size_t j = 0; j < list->seq.len; j++) {
            const char *entry = pr_scalar_text(list->seq.items[j]);
            if (!entry)
                continue;
            const char *path = pr_path_join(f->a, dir, entry);
            if (f->fs->path_type(f->fs, path) != PR_PATH_DIR)
                continue;
            /* Listing itself (".") does not make a kustomization less of a
             * root: its build reports the cycle. */
            const char *canonical = f->fs->canonical(f->fs, f->a, path);
            if (canonical && !(self && !strcmp(canonical, self)))
                *pr_strmap_slot(f->included, canonical) = (void *)1;
        }
    }
    return true;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(((const pr_root *)x)->name, ((const pr_root *)y)->name);
}

bool pr_roots_find(pr_arena *a, const char *dir, const pr_roots_find_options *o,
                   pr_root **roots, size_t *n, pr_error *err)
{
    static const pr_roots_find_options defaults;
    if (!o)
        o = &defaults;
    finder f = {.a = a, .fs = o->fs ? o->fs : pr_fs_disk(), .o = o,
                .included = pr_strmap_new(a)};
    *roots = NULL;
    *n = 0;
    if (!f.fs->list_dir)
        return pr_error_set(err, "finding the roots under %s: this file system cannot list "
                            "directories", dir);
    const char *top = f.fs->canonical(f.fs, a, dir);
    if (!top || f.fs->path_type(f.fs, dir) != PR_PATH_DIR)
        return pr_error_set(err, "'%s': not a directory; --all takes the directory "
                            "holding the kustomizations to render", dir);
    if (!walk(&f, dir, "", err))
        return pr_error_prefix(err, "finding the roots under %s", dir);
    for (size_t i = 0; i < f.len; i++)
        if (!mark_included(&f, i, err))
            return pr_error_prefix(err, "finding the roots under %s", dir);
    size_t kept = 0;
    for (size_t i = 0; i < f.len; i++) {
        if (f.canonicals[i] && pr_strmap_get(f.included, f.canonicals[i]))
            continue;
        pr_root r = f.found[i];
        if (!*r.name && o->top_name) {
            r.name = o->top_name;
        } else if (!*r.name) {
            /* DIR itself: named after its directory. */
            const char *slash = strrchr(top, '/');
            r.name = slash && slash[1] ? slash + 1 : "root";
        }
        f.found[kept++] = r;
    }
    if (kept > 1) /* f.found is NULL when nothing was found */
        qsort(f.found, kept, sizeof *f.found, by_name);
    *roots = f.found;
    *n = kept;
    return true;
}

void pr_root_init(pr_root *r, const char *dir, const char *name)
{
    memset(r, 0, sizeof *r);
    r->dir = dir;
    r->name = name;
    pr_sb_init(&r->out);
    pr_sb_init(&r->warnings);
    pr_error_init(&r->err);
}

size_t pr_roots_shard(pr_root *roots, size_t n, unsigned index, unsigned count)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = 14695981039346656037ULL;
        for (const char *s = roots[i].name; *s; s++)
            h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        if (h % count == index)
            roots[kept++] = roots[i];
        else
            pr_roots_release(&roots[i], 1);
    }
    return kept;
}

typedef struct {
    pr_root *roots;
    size_t n;
    const pr_build_options *opts;
    pr_base_cache *cache; /* shared by every root, whatever its options */
    bool objects;
    atomic_size_t next;
    size_t done;
    pthread_mutex_t lock; /* serializes progress calls */
    pr_roots_progress progress;
    void *ctx;
} pool;

static void render_one(const pool *p, pr_root *r)
{
    static const pr_build_options no_options;
    pr_build_options o = r->opts ? *r->opts : p->opts ? *p->opts : no_options;
    if (!o.base_cache)
        o.base_cache = p->cache;
    if (!p->objects) {
        r->ok = pr_build_render(r->dir, &o, &r->out, &r->warnings, &r->err);
        return;
    }
    r->arena = pr_arena_new();
    r->ok = pr_build_resources(r->dir, &o, r->arena, &r->objects, &r->nobjects, &r->warnings,
                               &r->err);
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            return NULL;
        render_one(p, &p->roots[i]);
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->progress)
            p->progress(p->done, p->n, p->ctx);
        pthread_mutex_unlock(&p->lock);
    }
}

void pr_roots_render(pr_root *roots, size_t n, const pr_build_options *opts,
                     const pr_roots_run *run)
{
    static const pr_roots_run defaults;
    if (!run)
        run = &defaults;
    unsigned threads = run->threads;
    if (threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (unsigned)cores : 1;
    }
    if (threads > n)
        threads = n ? (unsigned)n : 1;
    /* Roots share the bases they include: each is built once. Objects may
     * point into the cache, which must then outlive them: the caller's. */
    pr_base_cache *cache = opts ? opts->base_cache : NULL, *own = NULL;
    if (!cache && n > 1 && !run->objects)
        cache = own = pr_base_cache_new();
    pool p = {.roots = roots, .n = n, .opts = opts, .cache = cache, .objects = run->objects,
              .progress = run->progress, .ctx = run->progress_ctx};
    atomic_init(&p.next, 0);
    pthread_mutex_init(&p.lock, NULL);
    pthread_t *ids = calloc(threads, sizeof *ids);
    unsigned started = 0;
    /* The calling thread works too; threads that cannot be started leave
     * their share to the others. */
    for (unsigned t = 1; ids && t < threads; t++)
        if (pthread_create(&ids[started], NULL, worker, &p) == 0)
            started++;
    worker(&p);
    for (unsigned t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    free(ids);
    pthread_mutex_destroy(&p.lock);
    pr_base_cache_free(own);
}

void pr_roots_release(pr_root *roots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pr_sb_release(&roots[i].out);
        pr_sb_release(&roots[i].warnings);
        pr_error_release(&roots[i].err);
        pr_arena_free(roots[i].arena);
        roots[i].arena = NULL;
        roots[i].objects = NULL;
        roots[i].nobjects = 0;
    }
}
