/*
 * Remote resources, kept apart from the rest of the pipeline: what a
 * `resources`/`components` entry that is not a local path refers to.
 *
 *  - git repositories, written as kustomize v5.5 accepts them (https://,
 *    http://, ssh://, git@host:org/repo, github.com/org/repo, file://,
 *    `//` or `.git` or `_git/` ending the repository part, `?ref=` (or
 *    `version=`), `timeout=`, `submodules=`), cloned with the `git` command
 *    as kustomize clones them (init, remote add origin, a shallow fetch of
 *    the ref, checkout FETCH_HEAD, submodules unless turned off) into a
 *    temporary directory that lives for the build. The build then reads the
 *    clone as an ordinary directory through pr_fs; kustomizations inside a
 *    clone are always load-restricted to their own directory, and their
 *    bases must stay inside the clone, as in kustomize.
 *  - http(s) URLs of files, fetched with curl (kustomize uses Go's HTTP
 *    client); a failing status is an error unless the URL is also a git
 *    repository, which is then cloned.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kust/remote.h"
#include "pleo/fs.h"
#include "pleo/proc.h"

#define DEFAULT_TIMEOUT_MS 27000 /* kustomize's defaultTimeout */

static bool has_prefix_nocase(const char *s, const char *prefix)
{
    return !strncasecmp(s, prefix, strlen(prefix));
}

/* Go's url.ParseQuery and kustomize's parseQuery: ref wins over version;
 * a bad timeout or submodules value keeps the default. */
static void parse_query(pr_arena *a, const char *q, pr_repo_spec *rs)
{
    const char *version = NULL, *ref = NULL;
    rs->timeout_ms = DEFAULT_TIMEOUT_MS;
    rs->submodules = true;
    while (q && *q) {
        size_t len = strcspn(q, "&;");
        const char *eq = memchr(q, '=', len);
        size_t klen = eq ? (size_t)(eq - q) : len;
        char *value = eq ? pr_strndup(a, eq + 1, len - klen - 1) : pr_strdup(a, "");
        /* %XX and + as url.QueryUnescape decodes them. */
        char *w = value;
        for (const char *r = value; *r; r++) {
            if (*r == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
                char hex[3] = {r[1], r[2], 0};
                *w++ = (char)strtol(hex, NULL, 16);
                r += 2;
            } else {
                *w++ = *r == '+' ? ' ' : *r;
            }
        }
        *w = '\0';
        /* url.Values.Get gives the first value of a key. */
        if (klen == 7 && !strncmp(q, "version", 7) && !version)
            version = value;
        else if (klen == 3 && !strncmp(q, "ref", 3) && !ref)
            ref = value;
        else if (klen == 7 && !strncmp(q, "timeout", 7) && *value) {
            char *end;
            long secs = strtol(value, &end, 10);
            if (!*end && secs > 0) {
                rs->timeout_ms = secs > 86400 ? 86400000 : (int)secs * 1000;
            } else {
                /* A Go duration: a number and a unit (s, m, ms, h). */
                double v = strtod(value, &end);
                double ms = !strcmp(end, "ms") ? v : !strcmp(end, "s") ? v * 1000
                          : !strcmp(end, "m") ? v * 60000 : !strcmp(end, "h") ? v * 3600000 : -1;
                if (ms > 0)
                    rs->timeout_ms = ms > 86400000 ? 86400000 : (int)ms;
            }
        } else if (klen == 10 && !strncmp(q, "submodules", 10) && *value) {
            if (!strcmp(value, "1") || !strcasecmp(value, "t") || !strcasecmp(value, "true"))
                rs->submodules = true;
            else if (!strcmp(value, "0") || !strcasecmp(value, "f") || !strcasecmp(value, "false"))
                rs->submodules = false;
        }
        q += len;
        if (*q)
            q++;
    }
    rs->ref = ref && *ref ? ref : version ? version : "";
}

/* kustomize's parsePathParts: the repository and the directory in it. */
static bool split_path(pr_arena *a, const char *n, bool all_segments, pr_repo_spec *rs,
                       pr_error *err)
{
    const char *repo = NULL, *sub = NULL;
    const char *p;
    if ((p = strstr(n, "_git/"))) {
        const char *after = p + 5;
        size_t seg = strcspn(after, "/");
        repo = pr_strndup(a, n, (size_t)(after - n) + seg);
        sub = after[seg] ? after + seg + 1 : "";
    } else if ((p = strstr(n, "//"))) {
        repo = pr_strndup(a, n, (size_t)(p - n));
        sub = p + 2;
    } else if ((p = strstr(n, ".git"))) {
        repo = pr_strndup(a, n, (size_t)(p - n) + 4);
        sub = p + 4;
    } else if (all_segments) {
        repo = n;
        sub = "";
    } else {
        const char *slash = strchr(n, '/');
        if (slash) {
            const char *second = strchr(slash + 1, '/');
            repo = second ? pr_strndup(a, n, (size_t)(second - n)) : n;
            sub = second ? second + 1 : "";
        }
    }
    if (!repo || !*repo)
        return pr_error_set(err, "failed to parse repo path segment");
    while (*sub == '/')
        sub++;
    /* A directory that climbs out of the repository. */
    const char *clean = pr_path_join(a, ".", sub);
    if (!strcmp(clean, "..") || !strncmp(clean, "../", 3))
        return pr_error_set(err, "url path exits repo: %s", n);
    rs->repo_path = repo;
    rs->kust_root = sub;
    return true;
}

bool pr_repo_spec_parse(pr_arena *a, const char *raw, pr_strbuf *warnings,
                        pr_repo_spec *rs, pr_error *err)
{
    memset(rs, 0, sizeof *rs);
    rs->raw = raw;
    if (raw[0] == '/')
        return pr_error_set(err, "uri looks like abs path: %s", raw);
    const char *q = strchr(raw, '?');
    const char *n = q ? pr_strndup(a, raw, (size_t)(q - raw)) : raw;
    parse_query(a, q ? q + 1 : NULL, rs);

    if (has_prefix_nocase(n, "git::")) {
        n += 5;
        if (warnings)
            pr_sb_adds(warnings, "Warning: Forcing the git protocol using the 'git::' URL prefix "
                                 "is not supported. Kustomize currently strips this invalid "
                                 "prefix, but will stop doing so in a future release. Please "
                                 "remove the 'git::' prefix from your configuration.\n");
    }
    static const char *const schemes[] = {"ssh://", "https://", "http://", "file://"};
    const char *scheme = "";
    for (size_t i = 0; i < 4; i++)
        if (has_prefix_nocase(n, schemes[i])) {
            scheme = schemes[i];
            n += strlen(schemes[i]);
            break;
        }
    const char *user = "";
    if (isalpha((unsigned char)n[0])) {
        size_t k = 1;
        while (isalnum((unsigned char)n[k]) || n[k] == '-')
            k++;
        if (n[k] == '@') {
            user = pr_strndup(a, n, k + 1);
            n += k + 1;
        }
    }
    bool github = has_prefix_nocase(n, "github.com/") || has_prefix_nocase(n, "github.com:");
    bool scp = !*scheme && (*user || github);
    if (!*scheme && !scp)
        return pr_error_set(err, "failed to parse scheme");
    bool is_file = !strcmp(scheme, "file://");
    const char *rest;
    if (is_file) {
        rs->host = scheme;
        rest = pr_sprintf(a, "%s%s", user, n);
    } else {
        const char *slash = strchr(n, '/');
        long sep = slash ? slash - n : -1;
        if (scp) {
            const char *colon = strchr(n, ':');
            if (sep < 0 || (colon && colon > n && colon - n < sep))
                sep = colon ? colon - n : sep;
        }
        const char *host = n;
        rest = "";
        if (sep >= 0) {
            host = pr_strndup(a, n, (size_t)sep + 1);
            rest = n + sep + 1;
        }
        if (github) {
            if (!strcmp(scheme, "ssh://") || *user) {
                scheme = "";
                host = "github.com:";
            } else {
                scheme = "https://";
                user = "";
                host = "github.com/";
            }
        }
        if (!*host)
            return pr_error_set(err, "failed to parse host segment");
        rs->host = pr_sprintf(a, "%s%s%s", scheme, user, host);
    }
    return split_path(a, rest, is_file, rs, err);
}

const char *pr_repo_spec_clone_url(pr_arena *a, const pr_repo_spec *rs)
{
    return pr_sprintf(a, "%s%s", rs->host, rs->repo_path);
}

/* One git command in the clone, as kustomize's gitRunner runs it: stdout
 * and stderr together in the message, the timeout for each command. */
static bool run_git(pr_arena *a, const char *dir, int timeout_ms, const char *const *args,
                    pr_error *err)
{
    const char *argv[8];
    size_t n = 0;
    argv[n++] = "git";
    for (size_t i = 0; args[i] && n < 7; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pr_strbuf line;
    pr_sb_init(&line);
    for (size_t i = 0; i < n; i++)
        pr_sb_addf(&line, "%s%s", i ? " " : "", argv[i]);
    /* No prompts for credentials: the build would hang on them. */
    static const char *const env[] = {"GIT_TERMINAL_PROMPT=0", NULL};
    pr_proc p = {argv, env, dir, timeout_ms};
    pr_strbuf out;
    pr_sb_init(&out);
    int code;
    bool timed_out;
    bool ok = pr_proc_run(&p, &out, &out, &code, &timed_out, err);
    if (!ok)
        pr_error_prefix(err, "no 'git' program on path (remote resources are cloned with git)");
    else if (timed_out)
        ok = pr_error_set(err, "hit %gs timeout running '%s' (raise it with ?timeout=SECONDS "
                          "in the URL)", timeout_ms / 1000.0, line.buf);
    else if (code != 0)
        ok = pr_error_set(err, "failed to run '%s': %s: exit status %d", line.buf, out.buf, code);
    (void)a;
    pr_sb_release(&out);
    pr_sb_release(&line);
    return ok;
}

bool pr_repo_clone(pr_arena *a, const pr_repo_spec *rs, const char **clone_dir,
                   pr_error *err)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    char *dir = pr_sprintf(a, "%s/kustomize-XXXXXX", base);
    if (!mkdtemp(dir))
        return pr_error_set(err, "cannot make a directory for the clone in %s", base);
    *clone_dir = dir;
    const char *url = pr_repo_spec_clone_url(a, rs);
    const char *ref = *rs->ref ? rs->ref : "HEAD";
    const char *init[] = {"init", NULL};
    const char *remote[] = {"remote", "add", "origin", url, NULL};
    const char *fetch[] = {"fetch", "--depth=1", url, ref, NULL};
    const char *checkout[] = {"checkout", "FETCH_HEAD", NULL};
    const char *submodules[] = {"submodule", "update", "--init", "--recursive", NULL};
    bool ok = run_git(a, dir, rs->timeout_ms, init, err) &&
              run_git(a, dir, rs->timeout_ms, remote, err) &&
              run_git(a, dir, rs->timeout_ms, fetch, err) &&
              run_git(a, dir, rs->timeout_ms, checkout, err) &&
              (!rs->submodules || run_git(a, dir, rs->timeout_ms, submodules, err));
    if (!ok)
        pr_remove_tree(dir);
    return ok;
}

bool pr_is_remote_file(const char *entry)
{
    return has_prefix_nocase(entry, "http://") || has_prefix_nocase(entry, "https://");
}

int pr_http_get(const char *url, pr_strbuf *out, pr_error *err)
{
    const char *argv[] = {"curl", "--silent", "--show-error", "--location", "--max-time", "60",
                          "--output", "-", "--write-out", "\n%{http_code}", url, NULL};
    pr_proc p = {argv, NULL, NULL, 65000};
    pr_strbuf body, errout;
    pr_sb_init(&body);
    pr_sb_init(&errout);
    int code = 0;
    bool timed_out;
    int status = -1;
    if (!pr_proc_run(&p, &body, &errout, &code, &timed_out, err)) {
        pr_error_prefix(err, "fetching %s needs curl", url);
    } else if (code != 0 || timed_out) {
        while (errout.len && errout.buf[errout.len - 1] == '\n')
            errout.buf[--errout.len] = '\0';
        pr_error_set(err, "Get \"%s\": %s", url, timed_out ? "timed out" : errout.buf);
    } else {
        char *nl = strrchr(body.buf, '\n');
        status = nl ? atoi(nl + 1) : 0;
        if (nl)
            pr_sb_add(out, body.buf, (size_t)(nl - body.buf));
    }
    pr_sb_release(&body);
    pr_sb_release(&errout);
    return status;
}
