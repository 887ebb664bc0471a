/*
 * `pleo-render build` with many roots: `build ROOT... -o OUTDIR`, `build
 * --all DIR -o OUTDIR`, `--shard I/N` and `--jobs N` (pleo/roots.h does
 * the work). Each root's stream is written to OUTDIR/NAME.yaml exactly as
 * `build ROOT -o FILE` would write it; a root that fails is reported with
 * its name and the others are still written, and the exit status is 1 if
 * any failed. Warnings are printed once each, however many roots gave
 * them. With a terminal on stderr a progress line counts the roots done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "pleo/roots.h"
#include "pleo/strmap.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    double start;
} progress_state;

static void show_progress(size_t done, size_t total, void *ctx)
{
    const progress_state *p = ctx;
    fprintf(stderr, "\r\033[Krendering: %zu/%zu roots, %.1f s", done, total, now() - p->start);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* "I/N" with 1 <= I <= N. */
static bool parse_shard(const char *s, unsigned *index, unsigned *count)
{
    char *end;
    errno = 0;
    unsigned long i = strtoul(s, &end, 10);
    if (end == s || *end != '/' || errno)
        return false;
    const char *n_text = end + 1;
    unsigned long n = strtoul(n_text, &end, 10);
    if (end == n_text || *end || errno || n == 0 || n > 1000000 || i == 0 || i > n)
        return false;
    *index = (unsigned)(i - 1);
    *count = (unsigned)n;
    return true;
}

/* A ROOT as given, made into a name under OUTDIR: "./" and trailing
 * slashes dropped; "." is named after the current directory. Paths that
 * would leave OUTDIR are refused. */
static const char *root_name(pr_arena *a, const char *dir)
{
    while (dir[0] == '.' && dir[1] == '/')
        for (dir += 2; *dir == '/'; dir++)
            ;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    const char *name = pr_strndup(a, dir, n);
    if (!strcmp(name, ".") || !*name) {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd))
            return NULL;
        const char *slash = strrchr(cwd, '/');
        return slash && slash[1] ? pr_strdup(a, slash + 1) : NULL;
    }
    if (name[0] == '/' || !strcmp(name, "..") || !strncmp(name, "../", 3) ||
        strstr(name, "/../") || (n >= 3 && !strcmp(name + n - 3, "/..")))
        return NULL;
    return name;
}

/* mkdir -p of the directories leading to `path` (and of `path` itself
 * when `itself`). */
static int make_dirs(const char *path, bool itself)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = '\0';
        else if (!itself)
            break;
        if (*p && mkdir(p, 0777) != 0 && errno != EEXIST) {
            pr_cli_error("cannot create the output directory '%s': %s", p, strerror(errno));
            free(p);
            return -1;
        }
        if (!s)
            break;
        *s = '/';
    }
    free(p);
    return 0;
}

/* Two roots would write one file (a root named after the current or --all
 * directory, and a root below with that directory's name): refuse, as one
 * stream would silently replace the other. */
static bool names_unique(pr_arena *a, const pr_root *roots, size_t n, const char *outdir)
{
    pr_strmap *names = pr_strmap_new(a);
    for (size_t i = 0; i < n; i++) {
        void **slot = pr_strmap_slot(names, roots[i].name);
        if (*slot) {
            const pr_root *other = *slot;
            pr_cli_error("roots '%s' and '%s' would both be written to %s/%s.yaml; render "
                         "them in separate runs (or with separate -o directories)",
                         other->dir, roots[i].dir, outdir, roots[i].name);
            return false;
        }
        *slot = (void *)&roots[i];
    }
    return true;
}

int pr_cli_build_roots(const pr_build_roots_args *args, const pr_build_options *opts)
{
    if (!args->outdir) {
        pr_cli_error("rendering several roots needs -o OUTDIR (each root is written to "
                     "OUTDIR/NAME.yaml)");
        return PR_EXIT_USAGE;
    }
    if (args->all && args->ndirs) {
        pr_cli_error("give either --all DIR or the roots to render, not both (got --all %s "
                     "and '%s')", args->all, args->dirs[0]);
        return PR_EXIT_USAGE;
    }
    unsigned shard = 0, shards = 1;
    if (args->shard && !parse_shard(args->shard, &shard, &shards)) {
        pr_cli_error("invalid --shard %s: expected I/N with 1 <= I <= N, e.g. --shard 2/4",
                     args->shard);
        return PR_EXIT_USAGE;
    }
    unsigned jobs = 0;
    if (args->jobs) {
        char *end;
        unsigned long j = strtoul(args->jobs, &end, 10);
        if (end == args->jobs || *end || j == 0 || j > 1024) {
            pr_cli_error("invalid --jobs %s: expected a number of threads from 1 to 1024",
                         args->jobs);
            return PR_EXIT_USAGE;
        }
        jobs = (unsigned)j;
    }
    struct stat st;
    if (stat(args->outdir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        pr_cli_error("%s: not a directory; with several roots -o names the directory that "
                     "receives ROOT.yaml files", args->outdir);
        return PR_EXIT_USAGE;
    }

    pr_arena *a = pr_arena_new();
    pr_root *roots = NULL;
    size_t n = 0;
    int rc = PR_EXIT_OK;
    if (args->all) {
        pr_error err;
        pr_error_init(&err);
        if (!pr_roots_find(a, args->all, NULL, &roots, &n, &err)) {
            pr_cli_report(&err);
            rc = PR_EXIT_RENDER_ERROR;
        }
        pr_error_release(&err);
    } else {
        roots = pr_alloc(a, (args->ndirs ? args->ndirs : 1) * sizeof *roots);
        pr_strmap *seen = pr_strmap_new(a);
        for (size_t i = 0; i < args->ndirs && rc == PR_EXIT_OK; i++) {
            const char *name = root_name(a, args->dirs[i]);
            if (!name) {
                pr_cli_error("'%s': a root must be a relative path inside the current "
                             "directory, which names its output; run from a parent "
                             "directory or use --all DIR", args->dirs[i]);
                rc = PR_EXIT_USAGE;
                break;
            }
            /* The same root twice (as spelled, "./" aside) is rendered once. */
            void **slot = pr_strmap_slot(seen, pr_path_join(a, ".", args->dirs[i]));
            if (*slot)
                continue;
            *slot = (void *)1;
            pr_root_init(&roots[n++], args->dirs[i], name);
        }
    }
    if (rc == PR_EXIT_OK && args->all && n == 0) {
        pr_cli_error("'%s' holds no kustomization, and none below it: nothing to render "
                     "(check the path)", args->all);
        rc = PR_EXIT_RENDER_ERROR;
    }
    if (rc == PR_EXIT_OK && !names_unique(a, roots, n, args->outdir))
        rc = PR_EXIT_USAGE;
    /* OUTDIR first: a directory that cannot be made is one error, not one
     * per root. */
    if (rc == PR_EXIT_OK && make_dirs(args->outdir, true) != 0)
        rc = PR_EXIT_RENDER_ERROR;
    if (rc != PR_EXIT_OK) {
        pr_roots_release(roots, n);
        pr_arena_free(a);
        return rc;
    }
    n = pr_roots_shard(roots, n, shard, shards);

    progress_state progress = {now()};
    pr_roots_run run = {.threads = jobs,
                        .progress = args->all && isatty(STDERR_FILENO) ? show_progress : NULL,
                        .progress_ctx = &progress};
    pr_roots_render(roots, n, opts, &run);

    pr_strmap *warned = pr_strmap_new(a);
    for (size_t i = 0; i < n; i++) {
        pr_root *r = &roots[i];
        /* Each distinct warning line once. */
        for (char *line = r->warnings.buf, *end; line && *line; line = end) {
            end = strchr(line, '\n');
            end = end ? end + 1 : line + strlen(line);
            void **slot = pr_strmap_slot(warned, pr_strndup(a, line, (size_t)(end - line)));
            if (!*slot) {
                *slot = (void *)1;
                fwrite(line, 1, (size_t)(end - line), stderr);
            }
        }
        if (!r->ok) {
            pr_error_prefix(&r->err, "%s", r->name);
            pr_cli_report(&r->err);
            rc = PR_EXIT_RENDER_ERROR;
            continue;
        }
        const char *path = pr_sprintf(a, "%s/%s.yaml", args->outdir, r->name);
        if (make_dirs(path, false) != 0 || pr_cli_write_output(path, r->out.buf, r->out.len) != 0)
            rc = PR_EXIT_RENDER_ERROR;
    }
    pr_roots_release(roots, n);
    pr_arena_free(a);
    return rc;
}
