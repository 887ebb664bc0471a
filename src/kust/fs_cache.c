/*
 * pr_fs_cache: what a build learns about paths, remembered for the rest
 * of it. A large tree asks the type and canonical form of each of its
 * thousands of files and directories several times over (resource entry,
 * base, kustomization directory, load restriction); the answers do not
 * change during a build, so each path is asked of the underlying pr_fs
 * once. Canonical paths are spelled from the directory's canonical path
 * and the entry's name whenever the entry itself is no symlink, which is
 * exactly what resolving it would give, so only the build root (and any
 * symlink) costs a resolution.
 */
#include <string.h>

#include "pleo/fs.h"
#include "pleo/strmap.h"

typedef struct {
    pr_path_info info;
    bool info_known;
    const char *canonical; /* NULL until asked (or when unresolvable) */
    bool canonical_known;
} path_entry;

struct pr_fs_cache {
    pr_fs fs; /* first, so the pr_fs pointer converts back */
    const pr_fs *under;
    pr_arena *a;
    pr_strmap *paths;
};

static pr_fs_cache *cache_of(const pr_fs *fs)
{
    return (pr_fs_cache *)fs;
}

static path_entry *entry_for(pr_fs_cache *c, const char *path)
{
    path_entry *e = pr_strmap_get(c->paths, path);
    if (e)
        return e;
    e = pr_alloc(c->a, sizeof *e);
    *pr_strmap_slot(c->paths, pr_strdup(c->a, path)) = e;
    return e;
}

static pr_path_info info_of(pr_fs_cache *c, path_entry *e, const char *path)
{
    if (!e->info_known) {
        if (c->under->path_info) {
            e->info = c->under->path_info(c->under, path);
        } else {
            /* Without path_info a link cannot be told apart: count every
             * path as one, so its canonical form is asked of `under`. */
            e->info.type = c->under->path_type(c->under, path);
            e->info.is_link = true;
        }
        e->info_known = true;
    }
    return e->info;
}

static pr_path_info cache_path_info(const pr_fs *fs, const char *path)
{
    pr_fs_cache *c = cache_of(fs);
    return info_of(c, entry_for(c, path), path);
}

static pr_path_type cache_path_type(const pr_fs *fs, const char *path)
{
    return cache_path_info(fs, path).type;
}

/* The directory part of `path` when the path names an entry of it by a
 * plain name ("a/b" -> "a", "b" -> "."); NULL for "/", ".", "..", an
 * empty last component or a name in "/" (nothing to gain there). */
static const char *parent_of(pr_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (!*name || !strcmp(name, ".") || !strcmp(name, "..") || slash == path)
        return NULL;
    return slash ? pr_strndup(a, path, (size_t)(slash - path)) : ".";
}

static const char *canonical_of(pr_fs_cache *c, const char *path)
{
    path_entry *e = entry_for(c, path);
    if (e->canonical_known)
        return e->canonical;
    pr_path_info info = info_of(c, e, path);
    const char *canonical = NULL;
    if (info.type != PR_PATH_MISSING) {
        const char *parent = info.is_link ? NULL : parent_of(c->a, path);
        const char *dir = parent ? canonical_of(c, parent) : NULL;
        if (dir) {
            const char *name = strrchr(path, '/');
            name = name ? name + 1 : path;
            canonical = pr_sprintf(c->a, "%s/%s", strcmp(dir, "/") ? dir : "", name);
        } else {
            canonical = c->under->canonical(c->under, c->a, path);
        }
    }
    e->canonical = canonical;
    e->canonical_known = true;
    return canonical;
}

static char *cache_canonical(const pr_fs *fs, pr_arena *a, const char *path)
{
    const char *canonical = canonical_of(cache_of(fs), path);
    return canonical ? pr_strdup(a, canonical) : NULL;
}

static bool cache_read_file(const pr_fs *fs, const char *path, pr_strbuf *out, pr_error *err)
{
    const pr_fs *under = cache_of(fs)->under;
    return under->read_file(under, path, out, err);
}

static bool cache_list_dir(const pr_fs *fs, pr_arena *a, const char *path,
                           pr_dir_entry **entries, size_t *len, pr_error *err)
{
    /* Installed only over a pr_fs that lists directories. */
    const pr_fs *under = cache_of(fs)->under;
    return under->list_dir(under, a, path, entries, len, err);
}

pr_fs_cache *pr_fs_cache_new(const pr_fs *under)
{
    pr_arena *a = pr_arena_new();
    pr_fs_cache *c = pr_alloc(a, sizeof *c);
    c->fs.read_file = cache_read_file;
    c->fs.path_type = cache_path_type;
    c->fs.canonical = cache_canonical;
    c->fs.list_dir = under->list_dir ? cache_list_dir : NULL;
    c->fs.path_info = cache_path_info;
    c->under = under;
    c->a = a;
    c->paths = pr_strmap_new(a);
    return c;
}

const pr_fs *pr_fs_cache_fs(const pr_fs_cache *c)
{
    return &c->fs;
}

void pr_fs_cache_free(pr_fs_cache *c)
{
    if (c)
        pr_arena_free(c->a);
}
