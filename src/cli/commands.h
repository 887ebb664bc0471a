/*
 * Subcommands of the pleo-render executable, one file each, dispatched
 * from the table in main.c. Each returns the process exit status.
 */
#ifndef PLEO_CLI_COMMANDS_H
#define PLEO_CLI_COMMANDS_H

#include <stddef.h>

#include "pleo/build.h"
#include "pleo/error.h"

/* Exit statuses, documented in the README. */
enum {
    PR_EXIT_OK = 0,
    PR_EXIT_RENDER_ERROR = 1,
    PR_EXIT_USAGE = 2,
};

/* `pleo-render build [options] DIR`. */
int pr_cmd_build(int argc, char **argv);

/* `build ROOT... -o OUTDIR`, `build --all DIR -o OUTDIR`, `--shard I/N`,
 * `--jobs N` (src/cli/build_roots.c), as parsed by build. */
typedef struct {
    const char *const *dirs; /* the ROOTs given */
    size_t ndirs;
    const char *all, *shard, *jobs; /* NULL when not given */
    const char *outdir;             /* NULL when -o is missing */
} pr_build_roots_args;

/* Renders the roots into OUTDIR, in parallel; returns the exit status. */
int pr_cli_build_roots(const pr_build_roots_args *args, const pr_build_options *opts);

/* build's --help text. */
extern const char pr_build_help[];

/* `pleo-render edit [-C DIR] set|add|remove ...`. */
int pr_cmd_edit(int argc, char **argv);

/* `pleo-render diff [options] OLD_DIR NEW_DIR | --git REV [REV2] [ROOT...]`;
 * exits as diff(1) does: 0 same, 1 different, 2 trouble. */
int pr_cmd_diff(int argc, char **argv);

/* build's rendering flags (kustomize build's, less -o, --help and the
 * many-roots ones), parsed as build parses them, for the other commands
 * that render (diff). */
typedef struct pr_cli_build_flags pr_cli_build_flags;

/* A new, empty set of flags (NULL when out of memory); free with
 * pr_cli_build_flags_free. */
pr_cli_build_flags *pr_cli_build_flags_new(void);
void pr_cli_build_flags_free(pr_cli_build_flags *f);

/* When argv[*i] is one of those flags, takes it (moving *i past a value
 * given as the next argument) and returns 1; returns 0 when it is not one
 * of them, -1 (message printed) when its value is missing or bad. Values
 * point into argv. */
int pr_cli_build_flag(pr_cli_build_flags *f, int argc, char **argv, int *i);

/* Fills `opts` from the flags (KUSTOMIZE_ENABLE_MANAGEDBY_LABEL too);
 * PR_EXIT_OK, or PR_EXIT_USAGE with the message printed. */
int pr_cli_build_options(const pr_cli_build_flags *f, pr_build_options *opts);

/* Writes `len` bytes to stdout when `path` is NULL, else to `path` as the
 * shell's `>` would (through symlinks, into devices and FIFOs, keeping
 * owner and mode), replacing a regular file atomically where it can.
 * Returns 0 or prints an error and returns 1. */
int pr_cli_write_output(const char *path, const char *data, size_t len);

/* pr_cli_write_output to the file `path`, whose errors call it `what`
 * ("the kustomization file"; NULL: "the output") and, when it may not be
 * written, say to make it writable rather than to give another path. */
int pr_cli_write_file(const char *path, const char *what, const char *data, size_t len);

/* pr_cli_write_output a piece at a time: open decides where the bytes go
 * (stdout for a NULL `path`) and opens it, write adds bytes, close(keep)
 * finishes (fsync, and for an atomic replacement the rename) or, without
 * `keep`, abandons a replacement, leaving the old file as it was. Each
 * returns 0 or prints an error and returns 1; after a failed write the
 * others do nothing but close, which then returns 1. */
typedef struct {
    int fd;
    bool atomic;  /* writing `tmp`, to be renamed over `name` */
    bool failed;  /* a write failed (and was reported) */
    char *tmp;
    char *name;   /* the file written or replaced; NULL: stdout */
    const char *what; /* what errors call it; NULL: "the output" */
} pr_cli_output;

int pr_cli_output_open(pr_cli_output *o, const char *path);
/* pr_cli_output_open whose errors call the file `what` (see
 * pr_cli_write_file). */
int pr_cli_output_open_as(pr_cli_output *o, const char *path, const char *what);
int pr_cli_output_write(pr_cli_output *o, const char *data, size_t len);
int pr_cli_output_close(pr_cli_output *o, bool keep);

/* `build -o DIR`: writes each object of the rendered stream `data` to its
 * own file in the existing directory `dir`, named as kustomize names them
 * ([namespace_]group_version_kind_name.yaml, lower case). Returns 0 or
 * prints an error and returns 1. */
int pr_cli_write_dir(const char *dir, const char *data, size_t len);

/* Prints "pleo-render: MESSAGE" on stderr, followed, when the error
 * points into a file, by the offending line and a caret under its column. */
void pr_cli_report(const pr_error *err);

/* Prints "pleo-render: MESSAGE" on stderr. */
void pr_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports that `path` cannot be written (errno `error`), calling it
 * `what` (NULL: "the output"), with what to do about the usual causes (a
 * missing directory, a dangling or looping symlink, no permission, a full
 * disk). */
void pr_cli_write_error(const char *what, const char *path, int error);

#endif
