/*
 * A pr_fs over one git revision: the build reads the tree of a commit
 * straight from the object database, so a revision renders exactly as its
 * checkout would, without checking it out and without touching the work
 * tree or the index. The repository's top level is "/"; paths are
 * resolved lexically against it and symlinks stored in the tree are
 * followed within the tree (a target outside it is missing), as a
 * checkout would follow them.
 *
 * Every directory's tree is looked up once and kept until the handle is
 * closed: a path is then resolved one binary search per segment, where
 * libgit2 alone would inflate (and hash) each tree along the path again
 * for every lookup, as it caches no tree larger than 4 KiB; a directory
 * of a few hundred overlays made each lookup cost as much as the tree is
 * long.
 *
 * Roots render on several threads, all reading the same revision, while
 * libgit2 objects (a repository, its trees) and the tree cache may be used
 * by one thread at a time: every call here holds one process-wide lock,
 * which also covers two revisions (diff's two sides) read at once.
 */
#include <git2.h>
#include <pthread.h>
#include <string.h>

#include "pleo/fs.h"
#include "pleo/strmap.h"

/* Symlink hops before a path counts as looping (Linux's limit). */
#define MAX_SYMLINK_HOPS 40

static pthread_mutex_t git_lock = PTHREAD_MUTEX_INITIALIZER;

/* The trees of the directories looked up so far. */
typedef struct {
    pr_arena *a;         /* keys and the list below */
    pr_strmap *by_dir;   /* canonical directory ("/a/b") -> git_tree * */
    git_tree **all;      /* to free them */
    size_t len, cap;
} tree_cache;

struct pr_fs_git {
    pr_fs fs; /* first, so the pr_fs pointer converts back */
    git_repository *repo;
    git_tree *tree;
    tree_cache *trees;
};

static bool git_fail(pr_error *err, const char *what)
{
    const git_error *e = git_error_last();
    return pr_error_set(err, "%s: %s", what, e && e->message ? e->message : "unknown git error");
}

/* The tree of the canonical directory `dir` ("/" or "/a/b", no symlinks
 * in it), or NULL when there is no such directory; `a` holds what a
 * lookup needs for a while. */
static git_tree *tree_at(const pr_fs_git *g, pr_arena *a, const char *dir)
{
    if (!strcmp(dir, "/"))
        return g->tree;
    tree_cache *c = g->trees;
    git_tree *t = pr_strmap_get(c->by_dir, dir);
    if (t)
        return t;
    const char *slash = strrchr(dir, '/');
    git_tree *up = tree_at(g, a, slash == dir ? "/" : pr_strndup(a, dir, (size_t)(slash - dir)));
    const git_tree_entry *e = up ? git_tree_entry_byname(up, slash + 1) : NULL;
    if (!e || git_tree_entry_filemode(e) != GIT_FILEMODE_TREE ||
        git_tree_lookup(&t, g->repo, git_tree_entry_id(e)) != 0)
        return NULL;
    *pr_strmap_slot(c->by_dir, pr_strdup(c->a, dir)) = t;
    c->all = pr_grow(c->a, c->all, sizeof *c->all, &c->cap, c->len + 1);
    c->all[c->len++] = t;
    return t;
}

/* The tree entry at canonical `path` ("/a/b"), or NULL; it belongs to its
 * directory's cached tree. */
static const git_tree_entry *entry_at(const pr_fs_git *g, pr_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1])
        return NULL; /* "/" is no entry */
    git_tree *dir =
        tree_at(g, a, slash == path ? "/" : pr_strndup(a, path, (size_t)(slash - path)));
    return dir ? git_tree_entry_byname(dir, slash + 1) : NULL;
}

/* Reads a blob (a file or a symlink's target) into `out`. */
static bool read_blob(const pr_fs_git *g, const git_tree_entry *e, pr_strbuf *out)
{
    git_blob *blob;
    if (git_blob_lookup(&blob, g->repo, git_tree_entry_id(e)) != 0)
        return false;
    pr_sb_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return true;
}

/* Resolves `path` to its canonical form in the tree, following symlinks
 * in every segment; NULL when some segment is missing, is not a
 * directory where one is needed, or the links loop. `type` gets what the
 * path names. */
static char *resolve(const pr_fs_git *g, pr_arena *a, const char *path,
                     pr_path_type *type)
{
    char *rest = pr_path_join(a, "/", path); /* what remains to walk */
    char *done = pr_strdup(a, "/");          /* resolved so far, no links */
    int hops = 0;
    *type = PR_PATH_DIR;
    while (rest[0] == '/' && rest[1] != '\0') {
        if (*type != PR_PATH_DIR)
            return NULL;
        const char *seg = rest + 1;
        const char *slash = strchr(seg, '/');
        size_t seglen = slash ? (size_t)(slash - seg) : strlen(seg);
        char *next = pr_sprintf(a, "%s%s%.*s", done, done[1] ? "/" : "", (int)seglen, seg);
        const char *after = slash ? slash : "";
        const git_tree_entry *e = entry_at(g, a, next);
        if (!e)
            return NULL;
        git_filemode_t mode = git_tree_entry_filemode(e);
        if (mode == GIT_FILEMODE_LINK) {
            pr_strbuf target;
            pr_sb_init(&target);
            bool ok = ++hops <= MAX_SYMLINK_HOPS && read_blob(g, e, &target);
            if (!ok) {
                pr_sb_release(&target);
                return NULL;
            }
            /* The target is relative to the link's directory; what
             * follows the link is walked again below it. */
            char *joined = pr_path_join(a, done, pr_sprintf(a, "%s%s", target.buf, after));
            pr_sb_release(&target);
            rest = joined;
            done = pr_strdup(a, "/");
            *type = PR_PATH_DIR;
            continue;
        }
        *type = mode == GIT_FILEMODE_TREE                                ? PR_PATH_DIR
                : mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ? PR_PATH_FILE
                                                                         : PR_PATH_MISSING;
        if (*type == PR_PATH_MISSING) /* a submodule: not in this tree */
            return NULL;
        done = next;
        rest = (char *)after;
    }
    return done;
}

static bool git_read_file(const pr_fs *fs, const char *path, pr_strbuf *out,
                          pr_error *err)
{
    const pr_fs_git *g = (const pr_fs_git *)fs;
    pr_arena *scratch = pr_arena_new();
    pr_path_type type;
    pthread_mutex_lock(&git_lock);
    const char *canon = resolve(g, scratch, path, &type);
    const git_tree_entry *e = canon && type == PR_PATH_FILE ? entry_at(g, scratch, canon) : NULL;
    bool ok = e && read_blob(g, e, out);
    pthread_mutex_unlock(&git_lock);
    pr_arena_free(scratch);
    if (!ok)
        return pr_error_set(err, "%s: %s", path,
                            canon && type == PR_PATH_DIR ? "Is a directory"
                                                         : "No such file or directory");
    return true;
}

static pr_path_type git_path_type(const pr_fs *fs, const char *path)
{
    pr_arena *scratch = pr_arena_new();
    pr_path_type type;
    pthread_mutex_lock(&git_lock);
    if (!resolve((const pr_fs_git *)fs, scratch, path, &type))
        type = PR_PATH_MISSING;
    pthread_mutex_unlock(&git_lock);
    pr_arena_free(scratch);
    return type;
}

static char *git_canonical(const pr_fs *fs, pr_arena *a, const char *path)
{
    pr_path_type type;
    pthread_mutex_lock(&git_lock);
    char *canon = resolve((const pr_fs_git *)fs, a, path, &type);
    pthread_mutex_unlock(&git_lock);
    return canon;
}

static bool git_list_dir(const pr_fs *fs, pr_arena *a, const char *path, pr_dir_entry **entries,
                         size_t *len, pr_error *err)
{
    const pr_fs_git *g = (const pr_fs_git *)fs;
    *entries = NULL;
    *len = 0;
    pr_path_type type;
    pthread_mutex_lock(&git_lock);
    const char *canon = resolve(g, a, path, &type);
    git_tree *tree = canon && type == PR_PATH_DIR ? tree_at(g, a, canon) : NULL;
    bool ok = tree != NULL;
    size_t n = ok ? git_tree_entrycount(tree) : 0;
    if (n)
        *entries = pr_alloc(a, n * sizeof **entries);
    for (size_t i = 0; i < n; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(tree, i);
        (*entries)[i] = (pr_dir_entry){pr_strdup(a, git_tree_entry_name(e)),
                                       git_tree_entry_filemode(e) == GIT_FILEMODE_TREE};
    }
    pthread_mutex_unlock(&git_lock);
    if (!ok)
        return pr_error_set(err, "%s: %s", path,
                            !canon ? "No such file or directory" : "Not a directory");
    *len = n;
    /* git orders a directory as if its name ended in '/'. */
    pr_dir_entries_sort(*entries, n);
    return true;
}

pr_fs_git *pr_fs_git_open(pr_arena *a, const char *repo_dir, const char *rev,
                          pr_error *err)
{
    git_libgit2_init();
    pr_fs_git *g = pr_alloc(a, sizeof *g);
    g->fs.read_file = git_read_file;
    g->fs.path_type = git_path_type;
    g->fs.canonical = git_canonical;
    g->fs.list_dir = git_list_dir;
    pr_arena *cache_arena = pr_arena_new();
    g->trees = pr_alloc(cache_arena, sizeof *g->trees);
    g->trees->a = cache_arena;
    g->trees->by_dir = pr_strmap_new(cache_arena);
    if (git_repository_open_ext(&g->repo, repo_dir, 0, NULL) != 0) {
        git_fail(err, pr_sprintf(a, "'%s' is not in a git repository", repo_dir));
        pr_fs_git_close(g);
        return NULL;
    }
    git_object *obj = NULL;
    if (git_revparse_single(&obj, g->repo, rev) != 0 ||
        git_object_peel((git_object **)&g->tree, obj, GIT_OBJECT_TREE) != 0) {
        git_fail(err, pr_sprintf(a, "revision '%s'", rev));
        if (err)
            pr_sb_adds(&err->msg, " (give a branch, tag or commit of the repository)");
        git_object_free(obj);
        pr_fs_git_close(g);
        return NULL;
    }
    git_object_free(obj);
    return g;
}

const pr_fs *pr_fs_git_fs(const pr_fs_git *g)
{
    return &g->fs;
}

void pr_fs_git_close(pr_fs_git *g)
{
    if (!g)
        return;
    if (g->trees) {
        for (size_t i = 0; i < g->trees->len; i++)
            git_tree_free(g->trees->all[i]);
        pr_arena_free(g->trees->a);
        g->trees = NULL;
    }
    git_tree_free(g->tree);
    git_repository_free(g->repo);
    g->tree = NULL;
    g->repo = NULL;
    git_libgit2_shutdown();
}
