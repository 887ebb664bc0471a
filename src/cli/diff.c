/*
 * `pleo-render diff`: render two versions of a tree and report what
 * changed, object by object.
 *
 *   pleo-render diff [options] OLD_DIR NEW_DIR
 *   pleo-render diff [options] --git REV [REV2] [--] [ROOT...]
 *
 * Two directories are one root each when both hold a kustomization file,
 * otherwise each is searched for its roots. With --git, both sides are
 * read from git objects (REV2 defaults to the work tree, read from disk)
 * without checking anything out; roots are the ones given or, by default,
 * discovered in each revision. Discovery and rendering are the many-roots
 * engine's (pleo/roots.h): every root of both sides renders in one
 * parallel run that builds each shared base once per side; what is left
 * here is pairing the sides' roots and reporting. Exit status as
 * diff(1): 0 no differences, 1 differences, 2 usage error or a root that
 * failed to render (reported after every other root).
 */
#include "cli/commands.h"

#ifndef PLEO_DIFF
/* A static build has no libgit2 (see CMakeLists.txt): say so. */
int pr_cmd_diff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    pr_cli_error("diff: this pleo-render was built without libgit2 (PLEO_STATIC); "
                 "use a build linked dynamically");
    return PR_EXIT_USAGE;
}
#else

#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pleo/diff.h"
#include "pleo/roots.h"

enum { EXIT_SAME = 0, EXIT_DIFFERENT = 1, EXIT_TROUBLE = 2 };

typedef enum { FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_JSON } format;

typedef struct {
    format fmt;
    int color; /* -1 auto, 0 never, 1 always */
    pr_diff_options diff;
    pr_build_options build;
    pr_cli_build_flags *flags; /* build's flags, as given */
    bool git;
    const char *positional[2];
    size_t npositional;
    const char **roots; /* after --git REV [REV2] */
    size_t nroots;
} diff_args;

/* One side of the comparison. */
typedef struct {
    const char *name;  /* "old" or "new" */
    const char *label; /* what it is: a directory, a revision, the work tree */
    pr_build_options opts; /* the build's options, reading through this side's pr_fs */
    bool from_git;     /* errors cannot point into files on disk */
    const char *base;  /* roots are relative to it */
    const char **roots;
    size_t nroots;
} side;

static void usage(FILE *out)
{
    fputs("usage: pleo-render diff [options] OLD_DIR NEW_DIR\n"
          "       pleo-render diff [options] --git REV [REV2] [--] [ROOT...]\n\n"
          "Renders both sides and shows what changed, object by object. With --git,\n"
          "both sides come from git objects (REV2: the work tree when not given) and\n"
          "the roots are every kustomization no other one includes, unless given.\n\n"
          "options:\n"
          "  --format text|markdown|json  report format (default text)\n"
          "  --color auto|always|never    colour the text report (auto: on a terminal)\n"
          "  -U N, --unified N            lines of context (default 3)\n"
          "  --show-secrets               print Secret data (masked by default)\n"
          "  --load-restrictor, --enable-helm, --helm-command, --enable-alpha-plugins,\n"
          "  --enable-exec, --reorder, ...  build's flags (see pleo-render build --help),\n"
          "                               applied to both sides\n\n"
          "exit status: 0 no differences, 1 differences, 2 usage or render error\n",
          out);
}

static bool parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 100000)
        return false;
    *out = (int)v;
    return true;
}

/* The value of an option given as "--opt VALUE" or "--opt=VALUE". */
static const char *option_value(int argc, char **argv, int *i, const char *opt)
{
    size_t n = strlen(opt);
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool is_option(const char *arg, const char *opt)
{
    size_t n = strlen(opt);
    return !strncmp(arg, opt, n) && (arg[n] == '\0' || arg[n] == '=');
}

static int parse_args(int argc, char **argv, diff_args *d, char **rev2_candidate)
{
    bool dashdash = false;
    *rev2_candidate = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!dashdash && arg[0] == '-' && arg[1] != '\0') {
            const char *v;
            if (!strcmp(arg, "--")) {
                dashdash = true;
            } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
                usage(stdout);
                return -1;
            } else if (is_option(arg, "--format")) {
                v = option_value(argc, argv, &i, "--format");
                if (v && !strcmp(v, "text"))
                    d->fmt = FORMAT_TEXT;
                else if (v && !strcmp(v, "markdown"))
                    d->fmt = FORMAT_MARKDOWN;
                else if (v && !strcmp(v, "json"))
                    d->fmt = FORMAT_JSON;
                else {
                    pr_cli_error("diff: --format takes text, markdown or json");
                    return EXIT_TROUBLE;
                }
            } else if (is_option(arg, "--color")) {
                v = option_value(argc, argv, &i, "--color");
                if (v && !strcmp(v, "auto"))
                    d->color = -1;
                else if (v && !strcmp(v, "always"))
                    d->color = 1;
                else if (v && !strcmp(v, "never"))
                    d->color = 0;
                else {
                    pr_cli_error("diff: --color takes auto, always or never");
                    return EXIT_TROUBLE;
                }
            } else if (!strncmp(arg, "-U", 2) || is_option(arg, "--unified")) {
                v = arg[1] == 'U' ? (arg[2] ? arg + 2 : (i + 1 < argc ? argv[++i] : NULL))
                                  : option_value(argc, argv, &i, "--unified");
                if (!v || !parse_int(v, &d->diff.context)) {
                    pr_cli_error("diff: -U takes a number of lines (0 or more)");
                    return EXIT_TROUBLE;
                }
            } else if (!strcmp(arg, "--show-secrets")) {
                d->diff.show_secrets = true;
            } else if (!strcmp(arg, "--git")) {
                if (d->git || i + 1 >= argc || !strcmp(argv[i + 1], "--")) {
                    pr_cli_error("diff: --git needs a revision (e.g. --git origin/main)");
                    return EXIT_TROUBLE;
                }
                d->git = true;
                d->positional[0] = argv[++i];
                d->npositional = 1;
                /* The next plain word is REV2 when it names a revision;
                 * after "--" everything is a root. */
                if (i + 1 < argc && argv[i + 1][0] != '-')
                    *rev2_candidate = argv[++i];
            } else {
                /* build's flags render both sides the same way */
                int taken = pr_cli_build_flag(d->flags, argc, argv, &i);
                if (taken < 0)
                    return EXIT_TROUBLE;
                if (!taken) {
                    pr_cli_error("diff: unknown option '%s' (see pleo-render diff --help)", arg);
                    return EXIT_TROUBLE;
                }
            }
        } else if (d->git) {
            d->roots[d->nroots++] = arg;
        } else if (d->npositional < 2) {
            d->positional[d->npositional++] = arg;
        } else {
            pr_cli_error("diff: give two directories, or --git REV [REV2] [ROOT...] "
                         "(got '%s' too)", arg);
            return EXIT_TROUBLE;
        }
    }
    if (!d->git && d->npositional != 2) {
        pr_cli_error("diff: give two directories (OLD_DIR NEW_DIR) or --git REV [REV2]");
        return EXIT_TROUBLE;
    }
    if (pr_cli_build_options(d->flags, &d->build) != PR_EXIT_OK)
        return EXIT_TROUBLE;
    return EXIT_SAME;
}

static bool has_kustomization(const pr_fs *fs, pr_arena *a, const char *dir)
{
    return pr_kustomization_file_in(fs, a, dir) != NULL;
}

/* Deprecation warnings are printed once, however many renders give them. */
static void print_warnings(const pr_strbuf *w)
{
    pr_arena *a = pr_arena_new();
    const char **seen = NULL;
    size_t n = 0, cap = 0;
    for (const char *p = w->buf; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *line = pr_strndup(a, p, len);
        bool dup = false;
        for (size_t i = 0; i < n && !dup; i++)
            dup = !strcmp(seen[i], line);
        if (!dup) {
            seen = pr_grow(a, seen, sizeof *seen, &cap, n + 1);
            seen[n++] = line;
            fprintf(stderr, "%s\n", line);
        }
        p += nl ? len + 1 : len;
    }
    pr_arena_free(a);
}

static int compare_strings(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A failed render's message for the report, and the error as printed
 * on stderr: naming the root and the side. */
static const char *failure(pr_arena *a, const side *s, pr_root *r)
{
    const char *message = pr_strdup(a, pr_error_text(&r->err));
    pr_error_prefix(&r->err, "diff: %s: %s side (%s)", r->name, s->name, s->label);
    if (s->from_git) {
        /* The line shown under the message would come from the work tree,
         * not from the revision that failed. */
        pr_error plain;
        pr_error_init(&plain);
        pr_error_set(&plain, "%s", pr_error_text(&r->err));
        pr_error_release(&r->err);
        r->err = plain;
    }
    return message;
}

/* Renders and compares every root of either side (sorted lists): all
 * renders of both sides in one run of the many-roots engine, so they
 * share built bases and the cores; then each root in order. */
static int run(pr_arena *a, side *old, side *new_, const diff_args *d)
{
    size_t cap = old->nroots + new_->nroots + 1, n = 0, njobs = 0;
    pr_root *jobs = pr_alloc(a, cap * sizeof *jobs);
    /* For each root of the report: its render on each side, or NULL. */
    pr_root **olds = pr_alloc(a, cap * sizeof *olds), **news = pr_alloc(a, cap * sizeof *news);
    const char **names = pr_alloc(a, cap * sizeof *names);
    size_t i = 0, j = 0;
    while (i < old->nroots || j < new_->nroots) {
        int c = i >= old->nroots    ? 1
                : j >= new_->nroots ? -1
                                    : strcmp(old->roots[i], new_->roots[j]);
        const char *root = c <= 0 ? old->roots[i] : new_->roots[j];
        olds[n] = news[n] = NULL;
        if (c <= 0) {
            olds[n] = &jobs[njobs];
            pr_root_init(&jobs[njobs], pr_path_join(a, old->base, root), root);
            jobs[njobs++].opts = &old->opts;
            i++;
        }
        if (c >= 0) {
            news[n] = &jobs[njobs];
            pr_root_init(&jobs[njobs], pr_path_join(a, new_->base, root), root);
            jobs[njobs++].opts = &new_->opts;
            j++;
        }
        names[n++] = root;
    }
    /* One cache for both sides (it tells their file systems apart); the
     * objects may point into it, so it goes last. */
    pr_base_cache *cache = pr_base_cache_new();
    old->opts.base_cache = new_->opts.base_cache = cache;
    pr_roots_run engine = {.objects = true};
    pr_roots_render(jobs, njobs, NULL, &engine);

    pr_diff_root *results = pr_alloc(a, cap * sizeof *results);
    pr_strbuf warnings;
    pr_sb_init(&warnings);
    bool failed = false, different = false;
    for (size_t k = 0; k < n; k++) {
        pr_root *o = olds[k], *nw = news[k];
        const char *old_error = NULL, *new_error = NULL;
        if (o) {
            pr_sb_add(&warnings, o->warnings.buf, o->warnings.len);
            old_error = o->ok ? NULL : failure(a, old, o);
        }
        if (nw) {
            pr_sb_add(&warnings, nw->warnings.buf, nw->warnings.len);
            new_error = nw->ok ? NULL : failure(a, new_, nw);
        }
        pr_diff_root *r = &results[k];
        if (old_error || new_error) {
            memset(r, 0, sizeof *r);
            r->root = names[k];
            r->status = PR_ROOT_FAILED;
            r->old_error = old_error;
            r->new_error = new_error;
            failed = true;
            continue;
        }
        pr_diff_compare(a, names[k], o ? o->objects : NULL, o ? o->nobjects : 0,
                        nw ? nw->objects : NULL, nw ? nw->nobjects : 0, &d->diff, r);
        different |= r->status != PR_ROOT_UNCHANGED;
    }
    print_warnings(&warnings);
    pr_strbuf out;
    pr_sb_init(&out);
    bool color = d->color == 1 ||
                 (d->color == -1 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
    switch (d->fmt) {
    case FORMAT_TEXT: pr_diff_format_text(results, n, color, &out); break;
    case FORMAT_MARKDOWN: pr_diff_format_markdown(results, n, &out); break;
    case FORMAT_JSON: pr_diff_format_json(results, n, &out); break;
    }
    int rc = pr_cli_write_output(NULL, out.buf, out.len) != 0 ? EXIT_TROUBLE
             : failed                                          ? EXIT_TROUBLE
             : different                                       ? EXIT_DIFFERENT
                                                               : EXIT_SAME;
    /* Errors last, so they are what a reader sees at the end. */
    for (size_t k = 0; k < njobs; k++)
        if (!jobs[k].ok)
            pr_cli_report(&jobs[k].err);
    pr_sb_release(&out);
    pr_sb_release(&warnings);
    pr_roots_release(jobs, njobs);
    pr_base_cache_free(cache);
    return rc;
}

/* The roots under `s->base` on its file system, names relative to it
 * ("." for the base itself); `ignored` leaves paths out (the work tree's
 * .gitignore). A kustomization that cannot be parsed stays a root: its
 * render reports it. */
static bool discover_roots(pr_arena *a, const side *s, bool (*ignored)(const char *, void *),
                           void *ctx, const char ***names, size_t *n)
{
    pr_roots_find_options o = {.fs = s->opts.fs, .top_name = ".", .lenient = true,
                               .ignored = ignored, .ignored_ctx = ctx};
    pr_root *found;
    pr_error err;
    pr_error_init(&err);
    if (!pr_roots_find(a, s->base, &o, &found, n, &err)) {
        pr_error_prefix(&err, "diff: %s", s->label);
        pr_cli_report(&err);
        pr_error_release(&err);
        return false;
    }
    pr_error_release(&err);
    *names = pr_alloc(a, (*n ? *n : 1) * sizeof **names);
    for (size_t k = 0; k < *n; k++)
        (*names)[k] = found[k].name;
    pr_roots_release(found, *n);
    return true;
}

static int diff_dirs(pr_arena *a, const diff_args *d)
{
    side sides[2] = {
        {"old", d->positional[0], d->build, false, d->positional[0], NULL, 0},
        {"new", d->positional[1], d->build, false, d->positional[1], NULL, 0},
    };
    for (int k = 0; k < 2; k++) {
        sides[k].opts.fs = pr_fs_disk();
        if (pr_fs_disk()->path_type(pr_fs_disk(), sides[k].base) != PR_PATH_DIR) {
            pr_cli_error("diff: '%s' is not a directory", sides[k].base);
            return EXIT_TROUBLE;
        }
    }
    bool single = has_kustomization(pr_fs_disk(), a, sides[0].base) &&
                  has_kustomization(pr_fs_disk(), a, sides[1].base);
    for (int k = 0; k < 2; k++) {
        if (single) {
            static const char *dot[] = {"."};
            sides[k].roots = dot;
            sides[k].nroots = 1;
        } else if (!discover_roots(a, &sides[k], NULL, NULL, &sides[k].roots, &sides[k].nroots)) {
            return EXIT_TROUBLE;
        }
    }
    return run(a, &sides[0], &sides[1], d);
}

static bool worktree_ignored(const char *path, void *ctx)
{
    int ignored = 0;
    return git_ignore_path_is_ignored(&ignored, ctx, path) == 0 && ignored;
}

static const char *git_message(void)
{
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown git error";
}

/* An absolute path as git takes one (a ROOT, or the current directory
 * that relative ROOTs start from): its path from the top of the work tree
 * `workdir` ("." for the top) when it lies there (as written, or once its
 * symlinks are resolved), else the path itself (which the caller refuses). */
static const char *top_relative(pr_arena *a, const char *workdir, const char *root)
{
    char *top = realpath(workdir, NULL), *real = realpath(root, NULL);
    const char *clean = pr_path_join(a, "/", root), *rel = clean;
    const char *forms[2] = {clean, real};
    for (int k = 0; top && k < 2 && rel == clean; k++) {
        if (!forms[k] || !pr_path_within(top, forms[k]))
            continue;
        size_t n = strlen(top);
        rel = forms[k][n] ? pr_strdup(a, forms[k] + n + (strcmp(top, "/") ? 1 : 0)) : ".";
    }
    free(top);
    free(real);
    return rel;
}

/* True when `path` is `dir` or lies below it ("." holds everything). */
static bool within(const char *dir, const char *path)
{
    size_t n = strlen(dir);
    return !strcmp(dir, ".") || (!strncmp(dir, path, n) && (path[n] == '\0' || path[n] == '/'));
}

static int diff_git(pr_arena *a, diff_args *d, const char *rev2)
{
    git_repository *repo = NULL;
    pr_fs_git *old_git = NULL, *new_git = NULL;
    int rc = EXIT_TROUBLE;
    pr_error err;
    pr_error_init(&err);
    if (git_repository_open_ext(&repo, ".", 0, NULL) != 0) {
        pr_cli_error("diff: --git: not in a git repository (%s)", git_message());
        goto done;
    }
    const char *workdir = git_repository_workdir(repo);
    if (rev2) {
        /* A word after REV is REV2 only when it names a revision. */
        git_object *obj = NULL;
        if (git_revparse_single(&obj, repo, rev2) != 0) {
            memmove(d->roots + 1, d->roots, d->nroots * sizeof *d->roots);
            d->roots[0] = rev2;
            d->nroots++;
            rev2 = NULL;
        }
        git_object_free(obj);
    }
    if (!rev2 && !workdir) {
        pr_cli_error("diff: --git: a bare repository has no work tree; give two revisions");
        goto done;
    }
    /* Roots are given relative to the current directory, as git takes
     * paths; everything below works from the top of the work tree. */
    char *cwd = workdir ? realpath(".", NULL) : NULL;
    const char *prefix = cwd ? top_relative(a, workdir, cwd) : ".";
    free(cwd);
    for (size_t k = 0; k < d->nroots; k++) {
        const char *rel = d->roots[k][0] == '/' && workdir
                              ? top_relative(a, workdir, d->roots[k])
                              : pr_path_join(a, prefix, d->roots[k]);
        if (rel[0] == '/' || !strcmp(rel, "..") || !strncmp(rel, "../", 3)) {
            pr_cli_error("diff: root '%s' is outside the repository", d->roots[k]);
            goto done;
        }
        d->roots[k] = rel;
    }
    if (workdir && chdir(workdir) != 0) {
        pr_cli_error("diff: cannot enter the work tree %s", workdir);
        goto done;
    }
    const char *rev = d->positional[0];
    if (!(old_git = pr_fs_git_open(a, ".", rev, &err)) ||
        (rev2 && !(new_git = pr_fs_git_open(a, ".", rev2, &err)))) {
        pr_error_prefix(&err, "diff: --git");
        pr_cli_report(&err);
        goto done;
    }
    side sides[2] = {
        {"old", rev, d->build, true, ".", NULL, 0},
        {"new", rev2 ? rev2 : "work tree", d->build, new_git != NULL, ".", NULL, 0},
    };
    sides[0].opts.fs = pr_fs_git_fs(old_git);
    sides[1].opts.fs = new_git ? pr_fs_git_fs(new_git) : pr_fs_disk();
    /* Roots as given, sorted and once each. */
    qsort(d->roots, d->nroots, sizeof *d->roots, compare_strings);
    size_t n = 0;
    for (size_t k = 0; k < d->nroots; k++)
        if (n == 0 || strcmp(d->roots[n - 1], d->roots[k]))
            d->roots[n++] = d->roots[k];
    /* A given directory that is no kustomization on either side stands
     * for the roots discovered below it. */
    bool discover = n == 0;
    for (size_t k = 0; k < n; k++)
        discover |= !has_kustomization(sides[0].opts.fs, a, d->roots[k]) &&
                    !has_kustomization(sides[1].opts.fs, a, d->roots[k]);
    for (int s = 0; s < 2; s++) {
        const char **found = NULL;
        size_t nfound = 0;
        /* The work tree leaves out what git ignores, as a commit would. */
        bool worktree = s == 1 && !new_git;
        if (discover && !discover_roots(a, &sides[s], worktree ? worktree_ignored : NULL,
                                        worktree ? repo : NULL, &found, &nfound))
            goto done;
        if (n == 0) {
            sides[s].roots = found;
            sides[s].nroots = nfound;
            continue;
        }
        sides[s].roots = pr_alloc(a, (n + nfound) * sizeof *sides[s].roots);
        for (size_t k = 0; k < n; k++) {
            if (has_kustomization(sides[s].opts.fs, a, d->roots[k])) {
                sides[s].roots[sides[s].nroots++] = d->roots[k];
                continue;
            }
            for (size_t m = 0; m < nfound; m++)
                if (within(d->roots[k], found[m]))
                    sides[s].roots[sides[s].nroots++] = found[m];
        }
        qsort(sides[s].roots, sides[s].nroots, sizeof *sides[s].roots, compare_strings);
        size_t kept = 0;
        for (size_t m = 0; m < sides[s].nroots; m++)
            if (kept == 0 || strcmp(sides[s].roots[kept - 1], sides[s].roots[m]))
                sides[s].roots[kept++] = sides[s].roots[m];
        sides[s].nroots = kept;
    }
    for (size_t k = 0; k < n; k++) {
        bool anywhere = false;
        for (int s = 0; s < 2; s++)
            for (size_t m = 0; m < sides[s].nroots; m++)
                anywhere |= within(d->roots[k], sides[s].roots[m]);
        if (!anywhere) {
            pr_cli_error("diff: '%s' holds no kustomization, and none below it, in %s nor "
                         "in %s", d->roots[k], sides[0].label, sides[1].label);
            goto done;
        }
    }
    rc = run(a, &sides[0], &sides[1], d);
done:
    pr_fs_git_close(new_git);
    pr_fs_git_close(old_git);
    git_repository_free(repo);
    pr_error_release(&err);
    return rc;
}

int pr_cmd_diff(int argc, char **argv)
{
    pr_arena *a = pr_arena_new();
    diff_args d = {.fmt = FORMAT_TEXT, .color = -1, .diff = {.context = 3}};
    d.roots = pr_alloc(a, (size_t)(argc + 1) * sizeof *d.roots);
    d.flags = pr_cli_build_flags_new();
    if (!d.flags) {
        pr_arena_free(a);
        pr_cli_error("out of memory");
        return EXIT_TROUBLE;
    }
    char *rev2;
    int rc = parse_args(argc, argv, &d, &rev2);
    if (rc < 0) {
        rc = EXIT_SAME; /* --help */
    } else if (rc == EXIT_SAME) {
        git_libgit2_init();
        rc = d.git ? diff_git(a, &d, rev2) : diff_dirs(a, &d);
        git_libgit2_shutdown();
    }
    pr_cli_build_flags_free(d.flags);
    pr_arena_free(a);
    return rc;
}

#endif /* PLEO_DIFF */
