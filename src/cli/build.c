/*
 * `pleo-render build`: render a kustomization to stdout, a file or a
 * directory, taking every flag `kustomize build` v5.5.0 and `kubectl
 * kustomize` take, parsed as their flag library (pflag) parses them:
 * flags before or after DIR, `--flag=value` and `--flag value`, `-o
 * value`, `-ovalue` and `-o=value`, bare boolean flags or `--flag=false`,
 * and `--` ending the flags. The Helm and plugin flags reach the build
 * options; the container-function flags (--env, --mount, --network...)
 * are accepted, so scripts that always pass them keep working, since a
 * container function itself is refused when a tree configures one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "pleo/build.h"
#include "pleo/roots.h"

typedef enum { FLAG_BOOL, FLAG_STRING, FLAG_ARRAY } flag_type;

typedef struct {
    const char *name;
    char shorthand;  /* '\0': none */
    flag_type type;
    const char *deprecated; /* cobra's deprecation note, printed on use */
} flag_def;

/* kustomize build's flags (kustomize/commands/build), plus --enable-exec,
 * which `kustomize build` has and `kubectl kustomize` lacks. */
static const flag_def build_flags[] = {
    {"output", 'o', FLAG_STRING, NULL},
    {"load-restrictor", 0, FLAG_STRING, NULL},
    {"reorder", 0, FLAG_STRING, "use the new 'sortOptions' field in kustomization.yaml instead."},
    {"enable-managedby-label", 0, FLAG_BOOL,
     "The flag `enable-managedby-label` has been deprecated. Use the `managedByLabel` option "
     "in the `buildMetadata` field instead."},
    {"enable-alpha-plugins", 0, FLAG_BOOL, NULL},
    {"enable-exec", 0, FLAG_BOOL, NULL},
    {"enable-helm", 0, FLAG_BOOL, NULL},
    {"helm-command", 0, FLAG_STRING, NULL},
    {"helm-api-versions", 0, FLAG_ARRAY, NULL},
    {"helm-kube-version", 0, FLAG_STRING, NULL},
    {"helm-debug", 0, FLAG_BOOL, NULL},
    {"network", 0, FLAG_BOOL, NULL},
    {"network-name", 0, FLAG_STRING, NULL},
    {"mount", 0, FLAG_ARRAY, NULL},
    {"env", 'e', FLAG_ARRAY, NULL},
    {"as-current-user", 0, FLAG_BOOL, NULL},
    {"help", 'h', FLAG_BOOL, NULL},
    /* pleo-render's own: many roots in one process. */
    {"all", 0, FLAG_STRING, NULL},
    {"shard", 0, FLAG_STRING, NULL},
    {"jobs", 'j', FLAG_STRING, NULL},
};

const char pr_build_help[] =
    "usage: pleo-render [build] [DIR] [flags]\n"
    "\n"
    "Renders the kustomization in DIR (default: the current directory) as\n"
    "`kustomize build DIR` (v5.5.0) does, byte for byte. Flags may come before\n"
    "or after DIR; `--` ends them.\n"
    "\n"
    "flags:\n"
    "  -o, --output PATH              write to PATH instead of stdout. An existing\n"
    "                                 directory gets one file per object, named as\n"
    "                                 kustomize names them ([NAMESPACE_]GROUP_VERSION_\n"
    "                                 KIND_NAME.yaml, lower case); anything else is\n"
    "                                 written like the shell's `>`: through symlinks,\n"
    "                                 into devices and FIFOs, keeping owner and mode,\n"
    "                                 and a regular file is replaced atomically\n"
    "      --load-restrictor MODE     LoadRestrictionsRootOnly (default) or\n"
    "                                 LoadRestrictionsNone (files may come from\n"
    "                                 outside the kustomization's directory)\n"
    "      --reorder legacy|none      deprecated: order of the output when the\n"
    "                                 kustomization has no sortOptions\n"
    "      --enable-managedby-label   deprecated: label every object\n"
    "                                 app.kubernetes.io/managed-by: kustomize-(devel)\n"
    "                                 (also KUSTOMIZE_ENABLE_MANAGEDBY_LABEL=on)\n"
    "      --enable-alpha-plugins     allow external plugins under generators,\n"
    "                                 transformers and validators\n"
    "      --enable-exec              with --enable-alpha-plugins, run exec KRM\n"
    "                                 functions (config.kubernetes.io/function)\n"
    "      --enable-helm              run helm for helmCharts (helm template, and\n"
    "                                 helm pull for charts not under chartHome)\n"
    "      --helm-command CMD         the helm binary (default: helm on $PATH)\n"
    "      --helm-api-versions V      Capabilities.APIVersions for charts that give\n"
    "                                 none (repeatable)\n"
    "      --helm-kube-version V      Capabilities.KubeVersion for charts that give none\n"
    "      --helm-debug               helm template --debug\n"
    "  -h, --help                     print this help\n"
    "\n"
    "many roots in one process (pleo-render's own; output identical to\n"
    "rendering each root alone):\n"
    "  pleo-render build ROOT... -o OUTDIR\n"
    "  pleo-render build --all DIR -o OUTDIR\n"
    "                                 each root's stream goes to OUTDIR/NAME.yaml,\n"
    "                                 NAME being the root as given (--all: relative\n"
    "                                 to DIR); --all renders every kustomization\n"
    "                                 under DIR that no other one there includes\n"
    "      --shard I/N                render only the I-th (1..N) of N stable shares\n"
    "                                 of the roots (split by a hash of NAME)\n"
    "  -j, --jobs N                   render N roots at once (default: one per core)\n"
    "\n"
    "accepted for compatibility (container KRM functions need a container\n"
    "runtime and are refused when a tree asks for them):\n"
    "      -e, --env KEY=VALUE (repeatable), --mount SPEC (repeatable),\n"
    "      --network, --network-name NAME, --as-current-user\n"
    "\n"
    "exit status: 0 success, 1 the tree could not be rendered or the output\n"
    "not written (nothing is written then), 2 usage error\n";

/* Go's strconv.ParseBool, which pflag uses for `--flag=value`. */
static int parse_bool(const char *s)
{
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (!strcmp(s, yes[i]))
            return 1;
        if (!strcmp(s, no[i]))
            return 0;
    }
    return -1;
}

typedef struct {
    const char *dir, *output, *load_restrictor, *reorder;
    bool managed_by_label, help, alpha_plugins, exec;
    bool enable_helm, helm_debug;
    const char *helm_command, *helm_kube_version;
    const char **helm_api_versions; /* malloc'd; the strings are argv's */
    size_t helm_api_versions_len;
    const char **dirs; /* every DIR given; dir is the first */
    size_t ndirs;
    const char *all, *shard, *jobs;
} build_args;

static int apply_flag(build_args *b, const flag_def *f, const char *value)
{
    bool on = false;
    if (f->type == FLAG_BOOL) {
        int v = value ? parse_bool(value) : 1;
        if (v < 0) {
            pr_cli_error("invalid argument \"%s\" for \"--%s\" flag: a boolean is true or false",
                         value, f->name);
            return PR_EXIT_USAGE;
        }
        on = v == 1;
    }
    if (f->deprecated)
        fprintf(stderr, "Flag --%s has been deprecated, %s\n", f->name, f->deprecated);
    if (!strcmp(f->name, "output"))
        b->output = value;
    else if (!strcmp(f->name, "load-restrictor"))
        b->load_restrictor = value;
    else if (!strcmp(f->name, "reorder"))
        b->reorder = value;
    else if (!strcmp(f->name, "enable-managedby-label"))
        b->managed_by_label = on;
    else if (!strcmp(f->name, "help"))
        b->help = on;
    else if (!strcmp(f->name, "all"))
        b->all = value;
    else if (!strcmp(f->name, "shard"))
        b->shard = value;
    else if (!strcmp(f->name, "jobs"))
        b->jobs = value;
    else if (!strcmp(f->name, "enable-alpha-plugins"))
        b->alpha_plugins = on;
    else if (!strcmp(f->name, "enable-exec"))
        b->exec = on;
    else if (!strcmp(f->name, "enable-helm"))
        b->enable_helm = on;
    else if (!strcmp(f->name, "helm-debug"))
        b->helm_debug = on;
    else if (!strcmp(f->name, "helm-command"))
        b->helm_command = value;
    else if (!strcmp(f->name, "helm-kube-version"))
        b->helm_kube_version = value;
    else if (!strcmp(f->name, "helm-api-versions")) {
        /* pflag's StringArray: one value per use, commas kept. */
        const char **grown = realloc(b->helm_api_versions,
                                     (b->helm_api_versions_len + 1) * sizeof *grown);
        if (!grown) {
            pr_cli_error("out of memory");
            return PR_EXIT_USAGE;
        }
        b->helm_api_versions = grown;
        b->helm_api_versions[b->helm_api_versions_len++] = value;
    }
    /* The rest select features pleo-render lacks; the fields that use
     * them are refused when a kustomization has them. */
    return PR_EXIT_OK;
}

static const flag_def *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof build_flags / sizeof build_flags[0]; i++)
        if (strlen(build_flags[i].name) == len && !strncmp(build_flags[i].name, name, len))
            return &build_flags[i];
    return NULL;
}

static const flag_def *find_short(char c)
{
    for (size_t i = 0; i < sizeof build_flags / sizeof build_flags[0]; i++)
        if (build_flags[i].shorthand == c)
            return &build_flags[i];
    return NULL;
}

/* The flag a "--name" or "--name=value" argument names, or NULL. */
static const flag_def *long_flag(const char *arg)
{
    const char *name = arg + 2, *eq = strchr(name, '=');
    return find_long(name, eq ? (size_t)(eq - name) : strlen(name));
}

/* Applies long flag `f`, written at argv[*i], taking its value after '='
 * or (not for booleans) from the next argument. */
static int take_long_flag(build_args *b, const flag_def *f, int argc, char **argv, int *i)
{
    const char *eq = strchr(argv[*i] + 2, '=');
    const char *value = eq ? eq + 1 : NULL;
    if (!value && f->type != FLAG_BOOL) {
        if (++*i >= argc) {
            pr_cli_error("flag needs an argument: --%s", f->name);
            return PR_EXIT_USAGE;
        }
        value = argv[*i];
    }
    return apply_flag(b, f, value);
}

/* pflag's rules: a long flag takes its value after '=' or as the next
 * argument (booleans only after '='); shorthands may be grouped (`-hoFILE`)
 * and a shorthand's value follows it directly, after '=', or as the next
 * argument. */
static int parse_args(int argc, char **argv, build_args *b)
{
    bool flags = true;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!flags || arg[0] != '-' || arg[1] == '\0') {
            /* Several are checked once all flags are known: with -o they
             * are roots rendered together. */
            if (!b->dir)
                b->dir = arg;
            b->dirs[b->ndirs++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            flags = false;
            continue;
        }
        if (arg[1] == '-') {
            const flag_def *f = long_flag(arg);
            if (!f) {
                pr_cli_error("unknown flag: %s (see pleo-render build --help)", arg);
                return PR_EXIT_USAGE;
            }
            int rc = take_long_flag(b, f, argc, argv, &i);
            if (rc != PR_EXIT_OK)
                return rc;
            continue;
        }
        for (const char *p = arg + 1; *p; p++) {
            const flag_def *f = find_short(*p);
            if (!f) {
                pr_cli_error("unknown shorthand flag: '%c' in %s (see pleo-render build --help)", *p, arg);
                return PR_EXIT_USAGE;
            }
            const char *value = NULL;
            if (p[1] == '=') {
                value = p + 2;
            } else if (f->type != FLAG_BOOL) {
                if (p[1]) {
                    value = p + 1;
                } else if (++i < argc) {
                    value = argv[i];
                } else {
                    pr_cli_error("flag needs an argument: '%c' in -%c", *p, *p);
                    return PR_EXIT_USAGE;
                }
            }
            int rc = apply_flag(b, f, value);
            if (rc != PR_EXIT_OK)
                return rc;
            if (value)
                break;
        }
    }
    return PR_EXIT_OK;
}

static int build(const build_args *b);

int pr_cmd_build(int argc, char **argv)
{
    build_args b = {0};
    b.dirs = calloc((size_t)argc + 1, sizeof *b.dirs);
    if (!b.dirs) {
        pr_cli_error("out of memory");
        return PR_EXIT_RENDER_ERROR;
    }
    int rc = parse_args(argc, argv, &b);
    if (rc == PR_EXIT_OK && b.help)
        fputs(pr_build_help, stdout);
    else if (rc == PR_EXIT_OK)
        rc = build(&b);
    free(b.dirs);
    free(b.helm_api_versions);
    return rc;
}

/* The build options the rendering flags give (and
 * KUSTOMIZE_ENABLE_MANAGEDBY_LABEL); a bad value is a usage error. */
static int options_from(const build_args *b, pr_build_options *opts)
{
    opts->enable_helm = b->enable_helm;
    opts->helm_command = b->helm_command;
    opts->helm_kube_version = b->helm_kube_version;
    opts->helm_api_versions = b->helm_api_versions;
    opts->helm_api_versions_len = b->helm_api_versions_len;
    opts->helm_debug = b->helm_debug;
    if (b->load_restrictor && !strcmp(b->load_restrictor, "LoadRestrictionsNone")) {
        opts->load_restrict_none = true;
    } else if (b->load_restrictor && *b->load_restrictor &&
               strcmp(b->load_restrictor, "LoadRestrictionsRootOnly") != 0) {
        pr_cli_error("illegal flag value --load-restrictor %s; legal values: "
                     "[LoadRestrictionsRootOnly LoadRestrictionsNone]", b->load_restrictor);
        return PR_EXIT_USAGE;
    }
    if (b->reorder) {
        if (!strcmp(b->reorder, "legacy")) {
            opts->reorder = PR_REORDER_LEGACY;
        } else if (!strcmp(b->reorder, "none")) {
            opts->reorder = PR_REORDER_NONE;
        } else {
            pr_cli_error("illegal flag value --reorder %s; legal values: [legacy none]", b->reorder);
            return PR_EXIT_USAGE;
        }
    }
    const char *env = getenv("KUSTOMIZE_ENABLE_MANAGEDBY_LABEL");
    opts->managed_by_label = b->managed_by_label || (env && !strcmp(env, "on"));
    opts->enable_alpha_plugins = b->alpha_plugins;
    opts->enable_exec = b->exec;
    return PR_EXIT_OK;
}

/* `-o DIR`: the stream is split into one file per object. */
static int build_into_dir(const build_args *b, const pr_build_options *opts, const char *dir)
{
    pr_strbuf out, warnings;
    pr_error err;
    pr_sb_init(&out);
    pr_sb_init(&warnings);
    pr_error_init(&err);
    bool ok = pr_build_render(b->dir ? b->dir : ".", opts, &out, &warnings, &err);
    fputs(warnings.buf, stderr);
    int rc = PR_EXIT_OK;
    if (!ok) {
        pr_cli_report(&err);
        rc = PR_EXIT_RENDER_ERROR;
    } else if (pr_cli_write_dir(dir, out.buf, out.len) != 0) {
        rc = PR_EXIT_RENDER_ERROR;
    }
    pr_sb_release(&out);
    pr_sb_release(&warnings);
    pr_error_release(&err);
    return rc;
}

/* Stdout or a file, written as the stream is produced, so the output is
 * never held in memory whole. The destination is opened only once the
 * build has succeeded (the warnings go first, as they would have); a file
 * being replaced is left as it was when writing fails. */
typedef struct {
    const char *path;
    const pr_strbuf *warnings;
    pr_cli_output out;
    bool begun;    /* the warnings are printed */
    bool opened;   /* `out` is open */
    bool reported; /* a failure to open or write was printed */
} stream_target;

static bool stream_begin(void *p)
{
    stream_target *t = p;
    fputs(t->warnings->buf, stderr);
    t->begun = true;
    if (pr_cli_output_open(&t->out, t->path) != 0)
        return !(t->reported = true);
    t->opened = true;
    return true;
}

static bool stream_write(void *p, const char *data, size_t len)
{
    stream_target *t = p;
    if (pr_cli_output_write(&t->out, data, len) != 0)
        return !(t->reported = true);
    return true;
}

static int build_streamed(const build_args *b, const pr_build_options *opts, const char *path)
{
    pr_strbuf warnings;
    pr_error err;
    pr_sb_init(&warnings);
    pr_error_init(&err);
    stream_target t = {path, &warnings, {0}, false, false, false};
    pr_build_sink sink = {stream_begin, stream_write, &t};
    bool ok = pr_build_render_to(b->dir ? b->dir : ".", opts, &sink, &warnings, &err);
    if (!t.begun)
        fputs(warnings.buf, stderr);
    if (!ok && !t.reported)
        pr_cli_report(&err);
    if (t.opened && pr_cli_output_close(&t.out, ok) != 0)
        ok = false;
    pr_sb_release(&warnings);
    pr_error_release(&err);
    return ok ? PR_EXIT_OK : PR_EXIT_RENDER_ERROR;
}

/* After flags are parsed: one root to stdout or -o, or many roots. */
static int build(const build_args *a)
{
    const build_args b = *a;
    int rc;
    bool many = b.all || b.shard || (b.ndirs > 1 && b.output && *b.output);
    if (b.ndirs > 1 && !many) {
        pr_cli_error("specify one path to kustomization.yaml (got '%s' and '%s')", b.dirs[0],
                     b.dirs[1]);
        return PR_EXIT_USAGE;
    }
    pr_build_options opts = {0};
    if ((rc = options_from(&b, &opts)) != PR_EXIT_OK)
        return rc;
    /* kustomize reads an empty --output as "not given". */
    const char *output = b.output && *b.output ? b.output : NULL;
    if (many) {
        pr_build_roots_args r = {b.dirs, b.ndirs, b.all, b.shard, b.jobs, output};
        return pr_cli_build_roots(&r, &opts);
    }

    struct stat st;
    if (output && stat(output, &st) == 0 && S_ISDIR(st.st_mode))
        return build_into_dir(&b, &opts, output);
    return build_streamed(&b, &opts, output);
}

/* ---- build's rendering flags, for other commands that render -------- */

struct pr_cli_build_flags {
    build_args b;
};

pr_cli_build_flags *pr_cli_build_flags_new(void)
{
    return calloc(1, sizeof(pr_cli_build_flags));
}

void pr_cli_build_flags_free(pr_cli_build_flags *f)
{
    if (f)
        free(f->b.helm_api_versions);
    free(f);
}

int pr_cli_build_flag(pr_cli_build_flags *f, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    if (arg[0] != '-' || !arg[1])
        return 0;
    bool is_long = arg[1] == '-';
    const flag_def *def = is_long ? long_flag(arg) : find_short(arg[1]);
    static const char *const not_rendering[] = {"output", "help", "all", "shard", "jobs"};
    if (!def)
        return 0;
    for (size_t k = 0; k < sizeof not_rendering / sizeof *not_rendering; k++)
        if (!strcmp(def->name, not_rendering[k]))
            return 0;
    if (is_long)
        return take_long_flag(&f->b, def, argc, argv, i) == PR_EXIT_OK ? 1 : -1;
    /* A rendering shorthand (-e) alone, its value after it, after '=' or
     * next: grouping it with the command's own shorthands is not offered. */
    const char *value = NULL;
    if (def->type != FLAG_BOOL) {
        value = arg[2] == '=' ? arg + 3 : arg[2] ? arg + 2 : NULL;
        if (!value && ++*i >= argc) {
            pr_cli_error("flag needs an argument: '%c' in -%c", arg[1], arg[1]);
            return -1;
        }
        if (!value)
            value = argv[*i];
    } else if (arg[2]) {
        return 0;
    }
    return apply_flag(&f->b, def, value) == PR_EXIT_OK ? 1 : -1;
}

int pr_cli_build_options(const pr_cli_build_flags *f, pr_build_options *opts)
{
    return options_from(&f->b, opts);
}
