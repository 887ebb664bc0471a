/*
 * The file system as the build sees it. Everything the renderer reads goes
 * through a pr_fs, so a build can run on disk or on a tree held in memory
 * (tests, fuzzing) with the same code.
 */
#ifndef PLEO_FS_H
#define PLEO_FS_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/strbuf.h"

typedef enum { PR_PATH_MISSING, PR_PATH_FILE, PR_PATH_DIR } pr_path_type;

/* One entry of a directory, as list_dir gives it. */
typedef struct {
    const char *name; /* no '/' */
    bool is_dir;      /* a directory itself, not a symlink to one */
} pr_dir_entry;

/* What one question to the file system says of a path. */
typedef struct {
    pr_path_type type; /* symlinks followed */
    bool is_link;      /* the last component is a symlink */
} pr_path_info;

typedef struct pr_fs pr_fs;
struct pr_fs {
    /* Reads the whole file at `path` into `out`. */
    bool (*read_file)(const pr_fs *fs, const char *path, pr_strbuf *out,
                      pr_error *err);
    /* What `path` is (symlinks followed). */
    pr_path_type (*path_type)(const pr_fs *fs, const char *path);
    /* The canonical absolute form of an existing path (symlinks resolved),
     * allocated in `a`; NULL when it cannot be resolved. */
    char *(*canonical)(const pr_fs *fs, pr_arena *a, const char *path);
    void *ctx;
    /* The entries of the directory `path` (symlinks in `path` followed,
     * "." and ".." left out), sorted by name (strcmp), allocated in `a`.
     * False with `err` set when `path` is no directory that can be read.
     * Only root discovery (pleo/roots.h) lists directories, and refuses a
     * pr_fs without list_dir: a build never does, as kustomize never does. */
    bool (*list_dir)(const pr_fs *fs, pr_arena *a, const char *path, pr_dir_entry **entries,
                     size_t *len, pr_error *err);
    /* Optional: what `path` is and whether its last component is a
     * symlink, in one question (lstat, and stat for a link). With it
     * pr_fs_cache spells a canonical path as its directory's canonical
     * path and a name, asking nothing more. NULL: pr_fs_cache asks
     * path_type and canonical. */
    pr_path_info (*path_info)(const pr_fs *fs, const char *path);
};

/* The real file system. */
const pr_fs *pr_fs_disk(void);

/* A file tree held in memory: paths are absolute or relative to the tree's
 * root ("." and ".." are resolved lexically); directories exist wherever a
 * file lies below them. Files are added with pr_fs_memory_add and must
 * outlive the pr_fs (they are borrowed, not copied). */
typedef struct pr_fs_memory pr_fs_memory;

/* Creates an empty tree whose bookkeeping lives in `a`. */
pr_fs_memory *pr_fs_memory_new(pr_arena *a);

/* Adds (or replaces) the file `path` with `len` bytes of `data`. */
void pr_fs_memory_add(pr_fs_memory *m, const char *path, const char *data,
                      size_t len);

/* The pr_fs view of the tree. */
const pr_fs *pr_fs_memory_fs(const pr_fs_memory *m);

/* One revision of a git repository, read from the object database
 * (libgit2): the work tree and the index are never read or written. The
 * repository's top level is "/", relative paths start there, and symlinks
 * stored in the tree are followed within it. Several threads may read
 * through it at once (its libgit2 calls are serialized). */
typedef struct pr_fs_git pr_fs_git;

/* Opens the repository containing `repo_dir` (searching upwards, as git
 * does) at revision `rev` (anything git rev-parse accepts that names a
 * commit or tree). The handle lives in `a` but holds libgit2 objects:
 * release them with pr_fs_git_close before freeing `a`. NULL with `err`
 * set when there is no repository or no such revision. */
pr_fs_git *pr_fs_git_open(pr_arena *a, const char *repo_dir, const char *rev,
                          pr_error *err);

/* The pr_fs view of the revision, valid until pr_fs_git_close. */
const pr_fs *pr_fs_git_fs(const pr_fs_git *g);

/* Releases the libgit2 objects `g` holds. NULL is ignored. */
void pr_fs_git_close(pr_fs_git *g);

/* One build's memory of a pr_fs: path_type and canonical are asked of
 * `under` once per path (the build asks them of the same path several
 * times: as a resource entry, as a base, as a kustomization directory)
 * and a canonical path is made from its directory's where path_info
 * allows, so a large tree costs about one lstat per path on disk instead
 * of a stat, an open and a readlink per question. read_file goes to
 * `under` unchanged. It assumes, as kustomize does, that the tree does
 * not change during the build. For one thread; free it with
 * pr_fs_cache_free once the build has read everything. */
typedef struct pr_fs_cache pr_fs_cache;

/* A cache over `under` (which must outlive it). Aborts when out of memory. */
pr_fs_cache *pr_fs_cache_new(const pr_fs *under);

/* The pr_fs view of the cache, valid until pr_fs_cache_free. */
const pr_fs *pr_fs_cache_fs(const pr_fs_cache *c);

/* Releases the cache and all it remembers. NULL is ignored. */
void pr_fs_cache_free(pr_fs_cache *c);

/* The names a kustomization file may have, in the order kustomize looks
 * for them: kustomization.yaml, kustomization.yml, Kustomization. */
extern const char *const pr_kustomization_names[3];

/* The path of the first of pr_kustomization_names that is a file in `dir`
 * (allocated in `a`), or NULL when there is none. */
const char *pr_kustomization_file_in(const pr_fs *fs, pr_arena *a, const char *dir);

/* Sorts `len` entries by name, as list_dir hands them over. */
void pr_dir_entries_sort(pr_dir_entry *entries, size_t len);

/* Joins `dir` and `rel` (rel absolute wins) and removes "." and ".."
 * segments lexically. */
char *pr_path_join(pr_arena *a, const char *dir, const char *rel);

/* The directory part of `path` ("." when none). */
char *pr_path_dir(pr_arena *a, const char *path);

/* True when `path` equals `root` or lies below it (both canonical). */
bool pr_path_within(const char *root, const char *path);

#endif
