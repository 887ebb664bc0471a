/*
 * Many roots in one process (see pleo/roots.h): finding the roots of a
 * tree, sharding them, and rendering them on a pool of threads.
 *
 * Every root is rendered by pr_build_render with an arena of its own, so
 * the threads share nothing they write but the cache of built bases
 * (src/kust/base_cache.c, locked): the pipeline keeps its state in the
 * build context, and the few process-wide things it touches (the
 * locale used to order keys) are set up once under pthread_once. Roots are
 * handed out one at a time from an atomic counter, so a slow root does not
 * hold up a thread's share of quick ones.
 */
#include "pleo/roots.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pleo/fs.h"
#include "pleo/node.h"
#include "pleo/strmap.h"
#include "pleo/yaml.h"

typedef struct {
    pr_arena *a;
    const pr_fs *fs;
    pr_root *found;
    size_t len, cap;
    const char **files; /* kustomization file of each found root */
    size_t files_cap;
    pr_strmap *included; /* canonical directories some kustomization lists */
} finder;

static const char *kustomization_file(finder *f, const char *dir)
{
    return pr_kustomization_file_in(f->fs, f->a, dir);
}

static bool walk(finder *f, const char *dir, const char *rel, pr_error *err)
{
    const char *file = kustomization_file(f, dir);
    if (file) {
        f->found = pr_grow(f->a, f->found, sizeof *f->found, &f->cap, f->len + 1);
        size_t fcap = f->files_cap;
        f->files = pr_grow(f->a, f->files, sizeof *f->files, &fcap, f->len + 1);
        f->files_cap = fcap;
        pr_root *r = &f->found[f->len];
        memset(r, 0, sizeof *r);
        r->dir = dir;
        r->name = rel;
        f->files[f->len++] = file;
    }
    DIR *d = opendir(dir);
    if (!d)
        return pr_error_set(err, "%s: cannot list the directory", dir);
    /* Sorted, so discovery (and its errors) do not depend on readdir. */
    const char **subs = NULL;
    size_t nsubs = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        const char *path = pr_path_join(f->a, dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        subs = pr_grow(f->a, subs, sizeof *subs, &cap, nsubs + 1);
        subs[nsubs++] = pr_strdup(f->a, e->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < nsubs; i++) {
        const char *sub_rel = *rel ? pr_sprintf(f->a, "%s/%s", rel, subs[i]) : subs[i];
        if (!walk(f, pr_path_join(f->a, dir, subs[i]), sub_rel, err))
            return false;
    }
    return true;
}

/* Marks the directories the kustomization at `file` (in `dir`) lists. Keys
 * are matched ignoring case, as kustomize decodes them. */
static bool mark_included(finder *f, const char *dir, const char *file, pr_error *err)
{
    pr_strbuf text;
    pr_sb_init(&text);
    pr_doclist docs = {0};
    bool ok = f->fs->read_file(f->fs, file, &text, err) &&
              pr_yaml_parse(f->a, file, text.buf, text.len, &docs, err);
    pr_sb_release(&text);
    if (!ok)
        return false;
    const pr_node *root = docs.len ? docs.docs[0] : NULL;
    if (!root || root->kind != PR_MAP)
        return true; /* rendering it will say what is wrong */
    /* A component is made to be included, not built alone. */
    if (pr_scalar_is(pr_map_get(root, "kind"), "Component")) {
        const char *canonical = f->fs->canonical(f->fs, f->a, dir);
        if (canonical)
            *pr_strmap_slot(f->included, canonical) = (void *)1;
    }
    for (size_t i = 0; i < root->map.len; i++) {
        const char *key = root->map.items[i].key->scalar.text;
        const pr_node *list = root->map.items[i].value;
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
            const char *canonical = f->fs->canonical(f->fs, f->a, path);
            if (canonical)
                *pr_strmap_slot(f->included, canonical) = (void *)1;
        }
    }
    return true;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(((const pr_root *)x)->name, ((const pr_root *)y)->name);
}

bool pr_roots_find(pr_arena *a, const char *dir, pr_root **roots, size_t *n,
                   pr_error *err)
{
    finder f = {.a = a, .fs = pr_fs_disk(), .included = pr_strmap_new(a)};
    *roots = NULL;
    *n = 0;
    const char *top = f.fs->canonical(f.fs, a, dir);
    if (!top || f.fs->path_type(f.fs, dir) != PR_PATH_DIR)
        return pr_error_set(err, "'%s': not a directory; --all takes the directory "
                            "holding the kustomizations to render", dir);
    if (!walk(&f, dir, "", err))
        return false;
    for (size_t i = 0; i < f.len; i++)
        if (!mark_included(&f, f.found[i].dir, f.files[i], err))
            return pr_error_prefix(err, "finding the roots under %s", dir);
    size_t kept = 0;
    for (size_t i = 0; i < f.len; i++) {
        const char *canonical = f.fs->canonical(f.fs, a, f.found[i].dir);
        if (canonical && pr_strmap_get(f.included, canonical))
            continue;
        pr_root r = f.found[i];
        if (!*r.name) {
            /* DIR itself: named after its directory. */
            const char *slash = strrchr(top, '/');
            r.name = slash && slash[1] ? slash + 1 : "root";
        }
        f.found[kept++] = r;
    }
    qsort(f.found, kept, sizeof *f.found, by_name);
    for (size_t i = 0; i < kept; i++) {
        pr_sb_init(&f.found[i].out);
        pr_sb_init(&f.found[i].warnings);
        pr_error_init(&f.found[i].err);
    }
    *roots = f.found;
    *n = kept;
    return true;
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
    atomic_size_t next;
    size_t done;
    pthread_mutex_t lock; /* serializes progress calls */
    pr_roots_progress progress;
    void *ctx;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            return NULL;
        pr_root *r = &p->roots[i];
        r->ok = pr_build_render(r->dir, p->opts, &r->out, &r->warnings, &r->err);
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->progress)
            p->progress(p->done, p->n, p->ctx);
        pthread_mutex_unlock(&p->lock);
    }
}

void pr_roots_render(pr_root *roots, size_t n, const pr_build_options *opts,
                     unsigned threads, pr_roots_progress progress, void *ctx)
{
    if (threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (unsigned)cores : 1;
    }
    if (threads > n)
        threads = n ? (unsigned)n : 1;
    /* Roots share the bases they include: each is built once. */
    pr_build_options shared = {0};
    if (opts)
        shared = *opts;
    pr_base_cache *cache = NULL;
    if (n > 1 && !shared.base_cache)
        shared.base_cache = cache = pr_base_cache_new();
    pool p = {.roots = roots, .n = n, .opts = &shared, .progress = progress, .ctx = ctx};
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
    pr_base_cache_free(cache);
}

void pr_roots_release(pr_root *roots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pr_sb_release(&roots[i].out);
        pr_sb_release(&roots[i].warnings);
        pr_error_release(&roots[i].err);
    }
}
