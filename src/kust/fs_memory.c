/*
 * A file tree held in memory, so a whole build can run without touching
 * the disk: fuzzers feed it arbitrary trees and tests build fixtures
 * inline. Paths are normalized lexically against "/" (there are no
 * symlinks), so every path has exactly one canonical spelling.
 */
#include <string.h>

#include "pleo/fs.h"

typedef struct {
    const char *path; /* canonical, absolute */
    const char *data;
    size_t len;
} memory_file;

struct pr_fs_memory {
    pr_fs fs; /* first, so the pr_fs pointer converts back */
    pr_arena *a;
    memory_file *files;
    size_t len, cap;
};

static const char *canonical_path(pr_arena *a, const char *path)
{
    return pr_path_join(a, "/", path);
}

static const memory_file *find_file(const pr_fs_memory *m, const char *canon)
{
    for (size_t i = 0; i < m->len; i++)
        if (!strcmp(m->files[i].path, canon))
            return &m->files[i];
    return NULL;
}

static bool is_directory(const pr_fs_memory *m, const char *canon)
{
    if (!strcmp(canon, "/"))
        return true;
    size_t n = strlen(canon);
    for (size_t i = 0; i < m->len; i++)
        if (!strncmp(m->files[i].path, canon, n) && m->files[i].path[n] == '/')
            return true;
    return false;
}

static bool memory_read_file(const pr_fs *fs, const char *path, pr_strbuf *out,
                             pr_error *err)
{
    const pr_fs_memory *m = (const pr_fs_memory *)fs;
    pr_arena *scratch = pr_arena_new();
    const memory_file *f = find_file(m, canonical_path(scratch, path));
    pr_arena_free(scratch);
    if (!f)
        return pr_error_set(err, "%s: No such file or directory", path);
    pr_sb_add(out, f->data, f->len);
    return true;
}

static pr_path_type memory_path_type(const pr_fs *fs, const char *path)
{
    const pr_fs_memory *m = (const pr_fs_memory *)fs;
    pr_arena *scratch = pr_arena_new();
    const char *canon = canonical_path(scratch, path);
    pr_path_type t = find_file(m, canon) ? PR_PATH_FILE
                     : is_directory(m, canon) ? PR_PATH_DIR
                                              : PR_PATH_MISSING;
    pr_arena_free(scratch);
    return t;
}

static char *memory_canonical(const pr_fs *fs, pr_arena *a, const char *path)
{
    if (memory_path_type(fs, path) == PR_PATH_MISSING)
        return NULL;
    return (char *)canonical_path(a, path);
}

/* A tree in memory has no symlinks: every path is what it names. */
static pr_path_info memory_path_info(const pr_fs *fs, const char *path)
{
    return (pr_path_info){memory_path_type(fs, path), false};
}

static bool memory_list_dir(const pr_fs *fs, pr_arena *a, const char *path,
                            pr_dir_entry **entries, size_t *len, pr_error *err)
{
    const pr_fs_memory *m = (const pr_fs_memory *)fs;
    const char *canon = canonical_path(a, path);
    *entries = NULL;
    *len = 0;
    if (!is_directory(m, canon))
        return pr_error_set(err, "%s: %s", path,
                            find_file(m, canon) ? "Not a directory" : "No such file or directory");
    /* The entries are the first segments below `canon` of the files'
     * paths; a segment with more path after it is a directory. */
    size_t n = strlen(canon), cap = 0;
    const char *prefix = n == 1 ? "" : canon; /* "/" lists "/x", not "//x" */
    size_t plen = n == 1 ? 0 : n;
    for (size_t i = 0; i < m->len; i++) {
        const char *p = m->files[i].path;
        if (strncmp(p, prefix, plen) || p[plen] != '/')
            continue;
        const char *seg = p + plen + 1;
        const char *slash = strchr(seg, '/');
        size_t seglen = slash ? (size_t)(slash - seg) : strlen(seg);
        bool seen = false;
        for (size_t k = 0; k < *len && !seen; k++)
            seen = strlen((*entries)[k].name) == seglen &&
                   !strncmp((*entries)[k].name, seg, seglen);
        if (seen)
            continue;
        *entries = pr_grow(a, *entries, sizeof **entries, &cap, *len + 1);
        (*entries)[(*len)++] = (pr_dir_entry){pr_strndup(a, seg, seglen), slash != NULL};
    }
    pr_dir_entries_sort(*entries, *len);
    return true;
}

pr_fs_memory *pr_fs_memory_new(pr_arena *a)
{
    pr_fs_memory *m = pr_alloc(a, sizeof *m);
    m->fs.read_file = memory_read_file;
    m->fs.path_type = memory_path_type;
    m->fs.canonical = memory_canonical;
    m->fs.list_dir = memory_list_dir;
    m->fs.path_info = memory_path_info;
    m->a = a;
    return m;
}

void pr_fs_memory_add(pr_fs_memory *m, const char *path, const char *data,
                      size_t len)
{
    const char *canon = canonical_path(m->a, path);
    for (size_t i = 0; i < m->len; i++) {
        if (!strcmp(m->files[i].path, canon)) {
            m->files[i].data = data;
            m->files[i].len = len;
            return;
        }
    }
    m->files = pr_grow(m->a, m->files, sizeof *m->files, &m->cap, m->len + 1);
    m->files[m->len++] = (memory_file){canon, data, len};
}

const pr_fs *pr_fs_memory_fs(const pr_fs_memory *m)
{
    return &m->fs;
}
