/* `pleo-render build`: render a kustomization to stdout or a file. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "pleo/build.h"

int pr_cmd_build(int argc, char **argv)
{
    const char *dir = NULL, *output = NULL;
    pr_build_options opts = {0};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-o") || !strcmp(arg, "--output")) {
            if (++i >= argc) {
                pr_cli_error("%s needs a file name", arg);
                return PR_EXIT_USAGE;
            }
            output = argv[i];
        } else if (!strncmp(arg, "--output=", 9)) {
            output = arg + 9;
        } else if (!strcmp(arg, "--load-restrictor") ||
                   !strncmp(arg, "--load-restrictor=", 18)) {
            const char *mode = arg[17] == '=' ? arg + 18 : (++i < argc ? argv[i] : NULL);
            if (mode && !strcmp(mode, "LoadRestrictionsNone")) {
                opts.load_restrict_none = true;
            } else if (!mode || strcmp(mode, "LoadRestrictionsRootOnly") != 0) {
                pr_cli_error("--load-restrictor takes LoadRestrictionsRootOnly or LoadRestrictionsNone");
                return PR_EXIT_USAGE;
            }
        } else if (arg[0] == '-' && arg[1] != '\0') {
            pr_cli_error("unknown option '%s' (see --help)", arg);
            return PR_EXIT_USAGE;
        } else if (dir) {
            pr_cli_error("only one directory may be given (got '%s' and '%s')", dir, arg);
            return PR_EXIT_USAGE;
        } else {
            dir = arg;
        }
    }
    if (!dir)
        dir = ".";
    pr_strbuf out, warnings;
    pr_error err;
    pr_sb_init(&out);
    pr_sb_init(&warnings);
    pr_error_init(&err);
    bool ok = pr_build_render(dir, &opts, &out, &warnings, &err);
    fputs(warnings.buf, stderr);
    int rc = PR_EXIT_OK;
    if (!ok) {
        pr_cli_report(&err);
        rc = PR_EXIT_RENDER_ERROR;
    } else if (pr_cli_write_output(output, out.buf, out.len) != 0) {
        rc = PR_EXIT_RENDER_ERROR;
    }
    pr_sb_release(&out);
    pr_sb_release(&warnings);
    pr_error_release(&err);
    return rc;
}
