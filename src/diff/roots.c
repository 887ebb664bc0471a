/*
 * Which kustomizations of a tree are roots: the directories holding a
 * kustomization file that no other kustomization of the same tree
 * includes through resources, bases or components. Those are what a
 * repository deploys (environments, clusters), so `diff` renders each of
 * them; bases and components show up through the roots that use them.
 * Also the directory walk that finds kustomization files on disk.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pleo/diff.h"
#include "pleo/fs.h"
#include "pleo/strmap.h"
#include "pleo/yaml.h"

/* The directory of `path` when it names a kustomization file, else NULL. */
static const char *kustomization_dir(pr_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    for (size_t i = 0; i < sizeof pr_kustomization_names / sizeof *pr_kustomization_names; i++)
        if (!strcmp(base, pr_kustomization_names[i]))
            return slash ? pr_strndup(a, path, (size_t)(slash - path)) : ".";
    return NULL;
}

/* Marks the directories `k` (in directory `dir`) includes. */
static void mark_included(pr_arena *a, const pr_node *k, const char *dir, pr_strmap *dirs)
{
    static const char *const fields[] = {"resources", "bases", "components"};
    if (!k || k->kind != PR_MAP)
        return;
    for (size_t f = 0; f < 3; f++) {
        const pr_node *list = pr_map_get(k, fields[f]);
        if (!list || list->kind != PR_SEQ)
            continue;
        for (size_t i = 0; i < list->seq.len; i++) {
            const char *entry = pr_scalar_text(list->seq.items[i]);
            if (!entry || !*entry)
                continue;
            /* Resolved lexically from the tree's top; an entry leaving
             * the tree cannot name one of its directories. */
            const char *rel = pr_path_join(a, dir, entry);
            if (rel[0] == '/' || !strcmp(rel, "..") || !strncmp(rel, "../", 3))
                continue;
            if (pr_strmap_get(dirs, rel) && strcmp(rel, dir) != 0)
                *pr_strmap_slot(dirs, rel) = "included";
        }
    }
}

static int compare_strings(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void pr_diff_find_roots(pr_arena *a, const pr_fs *fs, const char *base,
                        const char *const *files, size_t nfiles, const char ***roots,
                        size_t *nroots)
{
    pr_strmap *dirs = pr_strmap_new(a);
    const char **found = NULL, **files_of = NULL;
    size_t nfound = 0, cap = 0, cap2 = 0;
    for (size_t i = 0; i < nfiles; i++) {
        const char *dir = kustomization_dir(a, files[i]);
        if (!dir)
            continue;
        void **slot = pr_strmap_slot(dirs, dir);
        if (*slot) /* two kustomization files: the build will complain */
            continue;
        *slot = "root";
        found = pr_grow(a, found, sizeof *found, &cap, nfound + 1);
        files_of = pr_grow(a, files_of, sizeof *files_of, &cap2, nfound + 1);
        found[nfound] = dir;
        files_of[nfound++] = files[i];
    }
    pr_strbuf text;
    pr_sb_init(&text);
    for (size_t i = 0; i < nfound; i++) {
        pr_sb_reset(&text);
        const char *path = pr_path_join(a, base, files_of[i]);
        pr_doclist docs = {0};
        /* Unreadable or malformed: it includes nothing; its own build, or
         * the build of whatever includes it, reports the problem. */
        if (!fs->read_file(fs, path, &text, NULL) ||
            !pr_yaml_parse(a, path, text.buf, text.len, &docs, NULL) || docs.len == 0)
            continue;
        mark_included(a, docs.docs[0], found[i], dirs);
        /* a component is made to be included, not built alone */
        if (pr_scalar_is(pr_map_get(docs.docs[0], "kind"), "Component"))
            *pr_strmap_slot(dirs, found[i]) = "included";
    }
    pr_sb_release(&text);
    size_t n = 0;
    for (size_t i = 0; i < nfound; i++)
        if (!strcmp(pr_strmap_get(dirs, found[i]), "root"))
            found[n++] = found[i];
    if (n > 1)
        qsort(found, n, sizeof *found, compare_strings);
    *roots = found;
    *nroots = n;
}

typedef struct {
    pr_arena *a;
    const char *top;
    bool (*ignored)(const char *path, void *ctx);
    void *ctx;
    const char **paths;
    size_t len, cap;
} walk;

static bool walk_dir(walk *w, const char *rel, pr_error *err)
{
    const char *full = *rel ? pr_sprintf(w->a, "%s/%s", w->top, rel) : w->top;
    DIR *d = opendir(full);
    if (!d)
        return pr_error_set(err, "%s: %s", full, strerror(errno));
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d))) {
        const char *name = de->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, ".git"))
            continue;
        const char *child = *rel ? pr_sprintf(w->a, "%s/%s", rel, name) : pr_strdup(w->a, name);
        const char *child_full = pr_sprintf(w->a, "%s/%s", w->top, child);
        struct stat st;
        if (lstat(child_full, &st) != 0)
            continue;
        bool is_link = S_ISLNK(st.st_mode);
        if (is_link && stat(child_full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            /* A linked directory is read through the link when the build
             * needs it, but not walked: links can loop. */
            if (is_link || (w->ignored && w->ignored(pr_sprintf(w->a, "%s/", child), w->ctx)))
                continue;
            ok = walk_dir(w, child, err);
        } else if (S_ISREG(st.st_mode)) {
            if (w->ignored && w->ignored(child, w->ctx))
                continue;
            w->paths = pr_grow(w->a, w->paths, sizeof *w->paths, &w->cap, w->len + 1);
            w->paths[w->len++] = child;
        }
    }
    closedir(d);
    return ok;
}

bool pr_diff_list_dir(pr_arena *a, const char *dir,
                      bool (*ignored)(const char *path, void *ctx), void *ctx,
                      const char ***paths, size_t *len, pr_error *err)
{
    walk w = {a, dir, ignored, ctx, NULL, 0, 0};
    if (!walk_dir(&w, "", err))
        return false;
    if (w.len > 1)
        qsort(w.paths, w.len, sizeof *w.paths, compare_strings);
    *paths = w.paths;
    *len = w.len;
    return true;
}
