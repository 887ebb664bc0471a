/*
 * `pleo-render edit`: the changes `kustomize edit` makes to a
 * kustomization file, made byte-minimally. kustomize re-marshals the whole
 * file and loses comments, blank lines, key order and quoting; here only
 * the bytes of the scalars, entries and keys that change are rewritten,
 * and new entries copy the layout of their neighbours.
 *
 * The engine is pure (bytes in, bytes out, no I/O) so it can be unit
 * tested and fuzzed; src/cli/edit.c finds the file, expands globs (with
 * pr_edit_glob, which reads directories through a pr_fs) and writes the
 * result.
 */
#ifndef PLEO_EDIT_H
#define PLEO_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/fs.h"
#include "pleo/strbuf.h"

typedef enum {
    PR_EDIT_SET_IMAGE,       /* args: NAME[=NEWNAME][:TAG][@DIGEST] */
    PR_EDIT_SET_NAMESPACE,   /* args: exactly one namespace */
    PR_EDIT_SET_REPLICAS,    /* args: NAME=COUNT */
    PR_EDIT_ADD_RESOURCE,    /* args: paths, already glob-expanded */
    PR_EDIT_REMOVE_RESOURCE, /* args: patterns matched against entries */
    PR_EDIT_SET_NAMEPREFIX,  /* args: exactly one prefix ("" removes it) */
    PR_EDIT_SET_NAMESUFFIX,  /* args: exactly one suffix ("" removes it) */
    PR_EDIT_ADD_LABEL,       /* args: KEY[:VALUE], label args also split on ',' */
    PR_EDIT_ADD_ANNOTATION,  /* args: KEY[:VALUE] */
    PR_EDIT_SET_LABEL,       /* args: KEY[:VALUE] */
    PR_EDIT_SET_ANNOTATION,  /* args: KEY[:VALUE] */
    PR_EDIT_REMOVE_LABEL,    /* args: one comma-separated list of keys */
    PR_EDIT_REMOVE_ANNOTATION,
    PR_EDIT_ADD_COMPONENT,   /* args: paths, already glob-expanded */
    PR_EDIT_REMOVE_COMPONENT, /* args: patterns matched against entries */
    PR_EDIT_ADD_BASE,        /* args: one comma-separated list of paths */
    PR_EDIT_ADD_BUILDMETADATA, /* args: one comma-separated list of options */
    PR_EDIT_ADD_CONFIGMAP,   /* args: NAME; sources in opts */
    PR_EDIT_ADD_SECRET,
    PR_EDIT_SET_CONFIGMAP,   /* args: NAME; --from-literal / --new-namespace */
    PR_EDIT_SET_SECRET,
    PR_EDIT_ADD_PATCH,       /* no args; the patch in opts */
    PR_EDIT_REMOVE_PATCH,
    PR_EDIT_FIX,             /* no args */
    PR_EDIT_ADD_GENERATOR,   /* args: paths, already glob-expanded */
    PR_EDIT_ADD_TRANSFORMER,
    PR_EDIT_REMOVE_TRANSFORMER, /* args: patterns matched against entries */
    PR_EDIT_SET_BUILDMETADATA, /* args: one comma-separated list of options */
    PR_EDIT_REMOVE_BUILDMETADATA,
    PR_EDIT_REMOVE_CONFIGMAP, /* args: one comma-separated list of names; --namespace */
    PR_EDIT_REMOVE_SECRET,
} pr_edit_kind;

/* Flags of the edit commands, kustomize's names in comments. */
typedef struct {
    bool force;             /* add label|annotation --force: overwrite keys */
    bool without_selector;  /* add label --without-selector: a `labels` entry */
    bool include_templates; /* add label --include-templates */
    bool ignore_missing;    /* remove label|annotation --ignore-non-existence */
    /* add|remove patch: --path, --patch and the target selector. */
    const char *patch_path, *patch_text;
    const char *group, *version, *kind, *name, *namespace;
    const char *label_selector, *annotation_selector;
    /* add|set|remove configmap|secret (`namespace` above is --namespace). */
    const char *const *literals; /* --from-literal KEY=VALUE */
    size_t nliterals;
    const char *const *files;    /* --from-file [KEY=]PATH, glob-expanded */
    size_t nfiles;
    const char *env_file;        /* --from-env-file */
    const char *behavior;        /* --behavior create|merge|replace */
    const char *secret_type;     /* --type, default Opaque */
    const char *new_namespace;   /* set configmap|secret --new-namespace */
    bool disable_hash;           /* --disableNameSuffixHash */
} pr_edit_options;

typedef struct {
    pr_edit_kind kind;
    const char *const *args;
    size_t nargs;
    /* Base name of the kustomization file; `add resource` never adds the
     * file to itself (a glob like `*.yaml` matches it). May be NULL. */
    const char *file_name;
    pr_edit_options opts;
    /* `fix`: whether a patchesStrategicMerge entry names a readable file
     * (it becomes a `path` patch, else an inline `patch`), as kustomize
     * decides. NULL: every entry is inline. */
    bool (*is_file)(const char *path, void *ctx);
    void *is_file_ctx;
} pr_edit_request;

/* One parsed `set image` argument. A NULL field is absent (removed from an
 * existing entry, as kustomize replaces the whole entry); "*" keeps the
 * value the file has. */
typedef struct {
    const char *name;
    const char *new_name;
    const char *new_tag;
    const char *digest;
} pr_edit_image;

/* Parses a `set image` argument exactly as kustomize v5.5.0 does, strings
 * allocated in `a`. Returns false with kustomize's message when invalid. */
bool pr_edit_parse_image(pr_arena *a, const char *arg, pr_edit_image *out,
                         pr_error *err);

/* Parses a `set replicas` argument NAME=COUNT (COUNT a base-10 int64, as
 * Go's strconv.ParseInt reads it). `*name` is allocated in `a`. */
bool pr_edit_parse_replica(pr_arena *a, const char *arg, const char **name,
                           long long *count, pr_error *err);

/* Checks the request's arguments without looking at any file: a false
 * return is a usage error (the caller exits 2). */
bool pr_edit_check_args(const pr_edit_request *req, pr_error *err);

/* Parses `add|set label|annotation` arguments as kustomize's
 * ConvertSliceToMap does (KEY:VALUE, VALUE may be double-quoted, no ':'
 * means an empty value, a leading ':' is an error), into parallel arrays
 * of keys and values allocated in `a`; a key given twice keeps its last
 * value. Label arguments are also split on ',' (kustomize's help shows
 * `k1:v1,k2:v2`; a comma is never valid in a label). */
bool pr_edit_parse_pairs(pr_arena *a, const pr_edit_request *req, const char ***keys,
                         const char ***values, size_t *n, pr_error *err);

/* kustomize's builtin plugin names (`edit listbuiltin`), NULL-terminated:
 * generators, then transformers. */
extern const char *const pr_edit_builtin_plugins[];

/* Applies `req` to the kustomization bytes `src` (named `path` in
 * messages, which carry path:line:col when the file is at fault) and
 * stores the edited bytes in `out` (cleared first; equal to `src` when
 * nothing changes). Informational messages, such as a resource that is
 * already listed, are appended to `notes` one per line. The result is
 * re-parsed and compared with the intended meaning before it is returned;
 * on any failure returns false and `out` must not be used. */
bool pr_edit_apply(const pr_edit_request *req, const char *path,
                   const char *src, size_t len, pr_strbuf *out,
                   pr_strbuf *notes, pr_error *err);

/* Path patterns (src/edit/glob.c). kustomize's edit commands use Go's
 * path/filepath, whose syntax is not fnmatch's: '*' and '?' never match
 * '/', a class is `[a-z]` or `[^a-z]` (`[!a]` is the set of '!' and 'a';
 * `[]a]` is malformed), and '\' escapes the next character. */
typedef enum { PR_GLOB_NO_MATCH, PR_GLOB_MATCH, PR_GLOB_BAD_PATTERN } pr_glob_result;

/* Go's filepath.Match of `name` against `pattern`: PR_GLOB_BAD_PATTERN
 * for a malformed pattern whatever the name (Go's ErrBadPattern, "syntax
 * error in pattern"). Allocates nothing. */
pr_glob_result pr_edit_match(const char *pattern, const char *name);

/* kustomize's fSys.Glob: Go's filepath.Glob of `pattern` read in the
 * directory `base` (NULL or "." for the working directory) through `fs`
 * (path_type, list_dir and, when it has one, path_info for Go's Lstat),
 * then without the paths whose last element starts with '.' unless the
 * pattern's does. A pattern without meta characters is returned as given
 * when it exists (a dangling symlink does); matches are cleaned as Go's
 * filepath.Join cleans them (`./a/?.yaml` gives `a/x.yaml`), in Go's
 * order, and never end in `.` or `..`. `*matches` (allocated in `a`) has
 * `*n` paths, none when nothing matches. False with kustomize's "syntax
 * error in pattern" in `err` for a malformed pattern. */
bool pr_edit_glob(pr_arena *a, const pr_fs *fs, const char *base, const char *pattern,
                  const char ***matches, size_t *n, pr_error *err);

#endif
