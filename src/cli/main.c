/*
 * pleo-render's entry point: global options and the subcommand table.
 * `pleo-render DIR` is shorthand for `pleo-render build DIR`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"build", pr_cmd_build, "render a kustomization directory as YAML"},
    {"edit", pr_cmd_edit, "change a kustomization file in place"},
    {"diff", pr_cmd_diff, "show what a change does to the rendered objects"},
};

static void usage(FILE *out)
{
    fputs("usage: pleo-render [build] [-o FILE] [--load-restrictor MODE] DIR\n"
          "       pleo-render edit [-C DIR] set|add|remove ... (see edit --help)\n"
          "       pleo-render diff [options] OLD_DIR NEW_DIR | --git REV [REV2] (see diff --help)\n"
          "       pleo-render --help | --version\n\n"
          "Renders a kustomization tree exactly as `kustomize build` does.\n\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\noptions:\n"
          "  -o, --output FILE        write the result to FILE (atomically)\n"
          "  --load-restrictor MODE   LoadRestrictionsRootOnly (default) or\n"
          "                           LoadRestrictionsNone\n"
          "\nexit status: 0 success, 1 render error, 2 usage error\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PR_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return PR_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("pleo-render %s (kustomize v5.5.0 compatible)\n", PLEO_VERSION);
        return PR_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    /* No subcommand: everything is build's arguments. */
    return pr_cmd_build(argc, argv);
}
