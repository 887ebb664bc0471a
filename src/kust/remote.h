/*
 * Remote resources (src/kust/remote.c): kustomize's git repository URLs
 * and http(s) files, behind a small interface so the build reads a clone
 * like any local directory.
 */
#ifndef PLEO_KUST_REMOTE_H
#define PLEO_KUST_REMOTE_H

#include <stdbool.h>

#include "pleo/arena.h"
#include "pleo/error.h"
#include "pleo/strbuf.h"

/* kustomize's RepoSpec. Strings live in the arena. */
typedef struct {
    const char *raw;       /* the entry as written */
    const char *host;      /* "https://github.com/", "git@github.com:", "file://" ... */
    const char *repo_path; /* "org/repo", "/srv/repo.git" ... */
    const char *kust_root; /* the directory in the repository, "" for its root */
    const char *ref;       /* ?ref= (or ?version=); "" for HEAD */
    int timeout_ms;        /* ?timeout=, default 27s, per git command */
    bool submodules;       /* ?submodules=, default true */
} pr_repo_spec;

/* kustomize's NewRepoSpecFromURL: false (with kustomize's reason in
 * `err`) when `raw` is not a git repository URL, e.g. a local path. A
 * `git::` prefix is stripped with kustomize's warning into `warnings`
 * (may be NULL). */
bool pr_repo_spec_parse(pr_arena *a, const char *raw, pr_strbuf *warnings,
                        pr_repo_spec *rs, pr_error *err);

/* host + repo_path: what git fetches. */
const char *pr_repo_spec_clone_url(pr_arena *a, const pr_repo_spec *rs);

/* Clones `rs` into a new kustomize-* directory under $TMPDIR (or /tmp)
 * as kustomize does: git init, remote add origin, fetch --depth=1 URL REF,
 * checkout FETCH_HEAD, submodule update --init --recursive unless
 * turned off, each command under the spec's timeout. `*clone_dir` is set
 * (and the caller must remove it) only on success; errors quote the git
 * command and its output. */
bool pr_repo_clone(pr_arena *a, const pr_repo_spec *rs, const char **clone_dir,
                   pr_error *err);

/* True for http:// and https:// entries, which kustomize tries as files
 * before anything else. */
bool pr_is_remote_file(const char *entry);

/* GETs `url` (redirects followed) into `out`. Returns the HTTP status, or
 * -1 with `err` set when there was no answer (the message names the URL). */
int pr_http_get(const char *url, pr_strbuf *out, pr_error *err);

#endif
