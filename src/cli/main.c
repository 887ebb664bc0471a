/*
 * pleo-render's entry point: the command table, help and version.
 *
 * `pleo-render DIR` is shorthand for `pleo-render build DIR`. Invoked as
 * `kustomize` (a symlink or a copy under that name), it answers `version`
 * exactly as kustomize v5.5.0 does, since Argo CD and release scripts
 * parse that text to decide which features the binary has. Every command
 * takes -h/--help (exit 0), and `help COMMAND` prints the same text.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"

/* kustomize v5.5.0's provenance, as its release binaries print it. The
 * build date is the release tag's; Argo CD only reads the version. */
#define KUSTOMIZE_VERSION "v5.5.0"
#define KUSTOMIZE_BUILD_DATE "2024-10-09T13:09:54Z"
#define KUSTOMIZE_GIT_COMMIT "afe77936761f8f7ee735a67f167a8382c8406f74"

static const char *program = "pleo-render";

static const char version_help[] =
    "usage: pleo-render version [--short | -o yaml|json]\n"
    "\n"
    "Prints the version of pleo-render and of the kustomize it renders like.\n"
    "Invoked as `kustomize`, prints what kustomize v5.5.0 prints (`v5.5.0`),\n"
    "so tools that check kustomize's version accept it.\n"
    "\n"
    "  --short          kustomize's deprecated short form, which Argo CD parses:\n"
    "                   {kustomize/v5.5.0  2024-10-09T13:09:54Z   }\n"
    "  -o, --output F   kustomize's provenance as yaml or json\n"
    "  -h, --help       print this help\n";

static const char help_help[] =
    "usage: pleo-render help [COMMAND]\n"
    "\n"
    "Prints the help of COMMAND (the same as `pleo-render COMMAND --help`),\n"
    "or the overview.\n";

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *help; /* NULL: the command prints its own (edit) */
} command;

static const command commands[] = {
    {"build", pr_cmd_build, "render a kustomization directory as YAML", pr_build_help},
    {"edit", pr_cmd_edit, "change a kustomization file in place", NULL},
    {"diff", pr_cmd_diff, "show what a change does to the rendered objects", NULL},
    {"version", cmd_version, "print pleo-render's and kustomize's versions", version_help},
    {"help", cmd_help, "print the help of a command", help_help},
};

static const char overview_head[] =
    "Renders kustomization trees exactly as `kustomize build` (v5.5.0) and\n"
    "`kubectl kustomize` do, and edits kustomization files as `kustomize edit`\n"
    "does while keeping their comments and layout. Installed or linked as\n"
    "`kustomize`, it stands in for kustomize (for instance as Argo CD's).\n"
    "\n"
    "usage: pleo-render [build] [DIR] [-o PATH] [flags]\n"
    "       pleo-render build ROOT... | --all DIR  -o OUTDIR [--shard I/N] [-j N]\n"
    "       pleo-render edit [-C DIR]... set|add|remove NOUN ... | fix | listbuiltin\n"
    "       pleo-render diff [flags] OLD_DIR NEW_DIR | --git REV [REV2] [-- ROOT...]\n"
    "       pleo-render version [--short | -o yaml|json]\n"
    "       pleo-render help [COMMAND] | COMMAND --help\n"
    "\n"
    "commands:\n";

static const char overview_tail[] =
    "\n"
    "Every field kustomize v5.5.0 knows is rendered: resources, bases,\n"
    "components, namespace, namePrefix, nameSuffix, commonLabels, labels,\n"
    "commonAnnotations, images, imageTags, replicas, patches,\n"
    "patchesJson6902, patchesStrategicMerge, configMapGenerator,\n"
    "secretGenerator, generatorOptions, replacements, vars, sortOptions,\n"
    "configurations, crds, openapi, buildMetadata; generators, transformers\n"
    "and validators (builtin plugin configurations; exec KRM functions with\n"
    "--enable-alpha-plugins --enable-exec); helmCharts, helmGlobals and\n"
    "helmChartInflationGenerator (with --enable-helm). Remote bases (git URLs)\n"
    "are cloned with git, http(s) files fetched with curl. A field kustomize\n"
    "does not know is an error naming the file, line and column.\n"
    "\n"
    "known differences from kustomize (all of them: man pleo-render):\n"
    "  - container KRM functions and legacy exec/Go plugins are refused; an\n"
    "    exec function without --enable-exec is an error (kustomize skips it)\n"
    "  - `edit` rewrites only the bytes that change, checks its arguments more\n"
    "    strictly (a namespace must be a valid name), and has no add\n"
    "    generator|transformer, set|remove buildmetadata, remove\n"
    "    configmap|secret|transformer or fix --vars\n"
    "  - `-o FILE` replaces a regular file atomically; `-o DIR` refuses object\n"
    "    names containing '/' (kustomize would write outside DIR)\n"
    "  - exit status 2 for usage errors (kustomize exits 1 for every error)\n"
    "\n"
    "exit status: 0 success, 1 the tree could not be rendered or the file\n"
    "edited (nothing is written then), 2 usage error; diff: 0 no differences,\n"
    "1 differences, 2 usage or render error\n";

static void overview(FILE *out)
{
    fputs(overview_head, out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs(overview_tail, out);
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

/* Levenshtein distance of two short words, capped at 3. */
static size_t distance(const char *x, const char *y)
{
    size_t n = strlen(x), m = strlen(y);
    if (n > 16 || m > 16)
        return 3;
    size_t d[17][17];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (x[i - 1] != y[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            d[i][j] = best;
        }
    return d[n][m] < 3 ? d[n][m] : 3;
}

/* `pleo-render WORD` renders WORD as a directory, as `kustomize build`
 * does with no command; a WORD that names nothing on disk but is close to
 * a command is a typo, said so rather than reported as a missing
 * directory. */
static bool looks_like_command(const char *arg)
{
    struct stat st;
    if (arg[0] == '-' || strchr(arg, '/') || stat(arg, &st) == 0)
        return false;
    const command *closest = NULL;
    size_t best = 3;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        size_t d = distance(arg, commands[i].name);
        if (d < best) {
            best = d;
            closest = &commands[i];
        }
    }
    if (!closest)
        return false;
    pr_cli_error("unknown command '%s'; did you mean '%s'? (see %s --help)", arg,
                 closest->name, program);
    return true;
}

static int print_help(const command *c)
{
    if (!c->help) {
        char *args[] = {(char *)c->name, (char *)"--help", NULL};
        return c->run(2, args);
    }
    fputs(c->help, stdout);
    return PR_EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        overview(stdout);
        return PR_EXIT_OK;
    }
    const command *c = find_command(argv[1]);
    if (!c) {
        pr_cli_error("unknown command '%s' (see %s --help)", argv[1], program);
        return PR_EXIT_USAGE;
    }
    return print_help(c);
}

static bool is_kustomize(void)
{
    return !strcmp(program, "kustomize");
}

static int cmd_version(int argc, char **argv)
{
    bool is_short = false;
    const char *format = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(version_help, stdout);
            return PR_EXIT_OK;
        } else if (!strcmp(arg, "--short") || !strcmp(arg, "--short=true")) {
            is_short = true;
        } else if (!strcmp(arg, "--short=false")) {
            is_short = false;
        } else if (!strcmp(arg, "-o") || !strcmp(arg, "--output")) {
            if (++i >= argc) {
                pr_cli_error("flag needs an argument: %s", arg);
                return PR_EXIT_USAGE;
            }
            format = argv[i];
        } else if (!strncmp(arg, "--output=", 9) || !strncmp(arg, "-o=", 3)) {
            format = strchr(arg, '=') + 1;
        } else if (!strncmp(arg, "-o", 2)) {
            format = arg + 2;
        } else {
            pr_cli_error("unknown argument '%s' (see %s version --help)", arg, program);
            return PR_EXIT_USAGE;
        }
    }
    if (is_short && format && *format) {
        pr_cli_error("--short and --output are mutually exclusive");
        return PR_EXIT_USAGE;
    }
    if (is_short) {
        /* Go's %v of kustomize's Provenance with only the version and the
         * build date set: empty fields leave their separating spaces. */
        fputs("Flag --short has been deprecated, and will be removed in the future.\n", stderr);
        printf("{kustomize/%s  %s   }\n", KUSTOMIZE_VERSION, KUSTOMIZE_BUILD_DATE);
    } else if (format && !strcmp(format, "yaml")) {
        printf("version: kustomize/%s\ngitCommit: %s\nbuildDate: \"%s\"\n\n", KUSTOMIZE_VERSION,
               KUSTOMIZE_GIT_COMMIT, KUSTOMIZE_BUILD_DATE);
    } else if (format && !strcmp(format, "json")) {
        printf("{\n  \"version\": \"kustomize/%s\",\n  \"gitCommit\": \"%s\",\n"
               "  \"buildDate\": \"%s\"\n}\n",
               KUSTOMIZE_VERSION, KUSTOMIZE_GIT_COMMIT, KUSTOMIZE_BUILD_DATE);
    } else if (format && *format) {
        /* kustomize prints nothing for other formats; say why instead. */
        pr_cli_error("--output takes yaml or json, not '%s'", format);
        return PR_EXIT_USAGE;
    } else if (is_kustomize()) {
        printf("%s\n", KUSTOMIZE_VERSION);
    } else {
        /* kustomize's version first: scripts take the first version found. */
        printf("kustomize %s\npleo-render %s\n", KUSTOMIZE_VERSION, PLEO_VERSION);
    }
    return PR_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0]) {
        const char *slash = strrchr(argv[0], '/');
        program = slash ? slash + 1 : argv[0];
        if (strcmp(program, "kustomize") != 0)
            program = "pleo-render";
    }
    if (argc < 2) {
        /* kustomize prints its help when given no command. */
        overview(is_kustomize() ? stdout : stderr);
        return is_kustomize() ? PR_EXIT_OK : PR_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        overview(stdout);
        return PR_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version"))
        return cmd_version(1, argv);
    const command *c = find_command(argv[1]);
    if (!c && looks_like_command(argv[1]))
        return PR_EXIT_USAGE;
    if (!c) /* No command: everything is build's arguments. */
        return pr_cmd_build(argc, argv);
    return c->run(argc - 1, argv + 1);
}
