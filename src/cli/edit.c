/*
 * `pleo-render edit`: kustomize's edit commands, changing only the bytes
 * that must change. This file finds the kustomization, expands `add
 * resource` globs and replaces the file atomically; src/edit/ decides
 * the new bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "pleo/edit.h"
#include "pleo/fs.h"

static const char edit_usage[] =
    "usage: pleo-render edit [-C DIR]... set image NAME[=NEWNAME][:TAG][@DIGEST]...\n"
    "       pleo-render edit [-C DIR]... set namespace NAMESPACE\n"
    "       pleo-render edit [-C DIR]... set replicas NAME=COUNT...\n"
    "       pleo-render edit [-C DIR]... add resource [--no-verify] PATH...\n"
    "       pleo-render edit [-C DIR]... remove resource PATTERN...\n"
    "\n"
    "Changes the kustomization file (kustomization.yaml, kustomization.yml or\n"
    "Kustomization) in DIR, default the current directory, as `kustomize edit`\n"
    "would, but rewrites only the bytes that change: comments, blank lines,\n"
    "indentation, quoting and line endings stay as they are.\n"
    "\n"
    "  -C DIR       work in DIR (several -C accumulate, as with git)\n"
    "  --no-verify  add resources without checking that they exist\n"
    "\n"
    "exit status: 0 success (or nothing to change), 1 the file could not be\n"
    "edited (it is left untouched), 2 usage error\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("pleo-render: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(see pleo-render edit --help)\n", stderr);
    return PR_EXIT_USAGE;
}

/* -C DIR relative to the previous -C, as git does it. */
static char *join_dir(char *dir, const char *next)
{
    char *joined;
    if (!*next)
        return dir;
    if (!dir || next[0] == '/') {
        joined = strdup(next);
    } else {
        size_t n = strlen(dir) + strlen(next) + 2;
        joined = malloc(n);
        if (joined)
            snprintf(joined, n, "%s/%s", dir, next);
    }
    free(dir);
    if (!joined) {
        perror("pleo-render");
        exit(PR_EXIT_RENDER_ERROR);
    }
    return joined;
}

static char *path_in(const char *dir, const char *name)
{
    if (!dir || !strcmp(dir, "."))
        return strdup(name);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t len = n + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%.*s%s%s", (int)n, dir, dir[n - 1] == '/' ? "" : "/", name);
    return p;
}

/* The one kustomization file in `dir`, as kustomize picks it. */
static char *find_kustomization(const char *dir, const char **base)
{
    static const char *const names[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};
    char *found = NULL;
    const char *found_names[3];
    int n = 0;
    for (int i = 0; i < 3; i++) {
        char *p = path_in(dir, names[i]);
        struct stat st;
        if (p && stat(p, &st) == 0) {
            found_names[n++] = names[i];
            if (!found) {
                found = p;
                *base = names[i];
                if (S_ISDIR(st.st_mode)) {
                    pr_cli_error("%s should be a file", p);
                    free(p);
                    return NULL;
                }
                continue;
            }
        }
        free(p);
    }
    if (n == 0) {
        pr_cli_error("missing kustomization file 'kustomization.yaml' in %s", dir ? dir : ".");
    } else if (n > 1) {
        pr_cli_error("found multiple kustomization files in %s: %s, %s%s%s", dir ? dir : ".",
                     found_names[0], found_names[1], n > 2 ? ", " : "", n > 2 ? found_names[2] : "");
        free(found);
        found = NULL;
    }
    return found;
}

/* Go's filepath.Glob, run in the kustomization's directory: matches in
 * order, dot files included, "." and ".." never produced by a wildcard. */
static bool expand(const char *dir, const char *pattern, char ***paths, size_t *n, size_t *cap)
{
    int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0 || (dir && chdir(dir) != 0)) {
        pr_cli_error("%s: %s", dir ? dir : ".", strerror(errno));
        if (cwd >= 0)
            close(cwd);
        return false;
    }
    glob_t g;
    int rc = glob(pattern, GLOB_PERIOD, NULL, &g);
    bool restored = fchdir(cwd) == 0;
    close(cwd);
    if (!restored) {
        pr_cli_error("returning to the working directory: %s", strerror(errno));
        if (rc == 0)
            globfree(&g);
        return false;
    }
    size_t added = 0;
    if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            const char *m = g.gl_pathv[i], *slash = strrchr(m, '/');
            const char *last = slash ? slash + 1 : m;
            if ((!strcmp(last, ".") || !strcmp(last, "..")) && strcmp(m, pattern) != 0)
                continue;
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *paths = realloc(*paths, *cap * sizeof **paths);
                if (!*paths) {
                    perror("pleo-render");
                    exit(PR_EXIT_RENDER_ERROR);
                }
            }
            (*paths)[(*n)++] = strdup(m);
            added++;
        }
        globfree(&g);
    }
    if (added == 0) {
        pr_cli_error("%s has no match (for a remote resource, add --no-verify)", pattern);
        return false;
    }
    return true;
}

static void sync_dir(const char *file)
{
    char *copy = strdup(file);
    if (!copy)
        return;
    char *slash = strrchr(copy, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == copy ? "/" : copy;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        /* The rename is durable once the directory is. */
        fsync(fd);
        close(fd);
    }
    free(copy);
}

int pr_cmd_edit(int argc, char **argv)
{
    char *dir = NULL;
    int i = 1;
    while (i < argc) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(edit_usage, stdout);
            free(dir);
            return PR_EXIT_OK;
        }
        if (!strcmp(argv[i], "-C")) {
            if (i + 1 >= argc) {
                free(dir);
                return usage_error("%s needs a directory", "-C");
            }
            dir = join_dir(dir, argv[i + 1]);
            i += 2;
        } else if (!strncmp(argv[i], "-C", 2)) {
            dir = join_dir(dir, argv[i] + 2);
            i++;
        } else {
            break;
        }
    }
    if (i < argc && argv[i][0] == '-') {
        free(dir);
        return usage_error("unknown option '%s'", argv[i]);
    }
    if (i + 1 >= argc) {
        free(dir);
        fputs(edit_usage, stderr);
        return PR_EXIT_USAGE;
    }
    const char *verb = argv[i], *noun = argv[i + 1];
    pr_edit_request req = {0};
    if (!strcmp(verb, "set") && !strcmp(noun, "image")) {
        req.kind = PR_EDIT_SET_IMAGE;
    } else if (!strcmp(verb, "set") && !strcmp(noun, "namespace")) {
        req.kind = PR_EDIT_SET_NAMESPACE;
    } else if (!strcmp(verb, "set") && !strcmp(noun, "replicas")) {
        req.kind = PR_EDIT_SET_REPLICAS;
    } else if (!strcmp(verb, "add") && !strcmp(noun, "resource")) {
        req.kind = PR_EDIT_ADD_RESOURCE;
    } else if (!strcmp(verb, "remove") && !strcmp(noun, "resource")) {
        req.kind = PR_EDIT_REMOVE_RESOURCE;
    } else {
        free(dir);
        fprintf(stderr, "pleo-render: unknown edit command '%s %s'\n", verb, noun);
        fputs(edit_usage, stderr);
        return PR_EXIT_USAGE;
    }
    /* Arguments, with --no-verify for add resource and `--` ending options. */
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    size_t nargs = 0;
    bool no_verify = false, options = true;
    for (int j = i + 2; j < argc; j++) {
        if (options && !strcmp(argv[j], "--")) {
            options = false;
        } else if (options && req.kind == PR_EDIT_ADD_RESOURCE && !strcmp(argv[j], "--no-verify")) {
            no_verify = true;
        } else if (options && argv[j][0] == '-' && argv[j][1] != '\0') {
            free(args);
            free(dir);
            return usage_error("unknown option '%s'", argv[j]);
        } else {
            args[nargs++] = argv[j];
        }
    }
    req.args = args;
    req.nargs = nargs;
    pr_error err;
    pr_error_init(&err);
    int rc = PR_EXIT_RENDER_ERROR;
    char *path = NULL, *real = NULL, **expanded = NULL;
    size_t nexp = 0, capexp = 0;
    pr_strbuf src, out, notes;
    pr_sb_init(&src);
    pr_sb_init(&out);
    pr_sb_init(&notes);
    if (!pr_edit_check_args(&req, &err)) {
        pr_cli_error("%s", pr_error_text(&err));
        rc = PR_EXIT_USAGE;
        goto done;
    }
    path = find_kustomization(dir, &req.file_name);
    if (!path)
        goto done;
    if (req.kind == PR_EDIT_ADD_RESOURCE && !no_verify) {
        for (size_t j = 0; j < nargs; j++)
            if (!expand(dir, args[j], &expanded, &nexp, &capexp))
                goto done;
        req.args = (const char *const *)expanded;
        req.nargs = nexp;
    }
    if (!pr_fs_disk()->read_file(pr_fs_disk(), path, &src, &err) ||
        !pr_edit_apply(&req, path, src.buf, src.len, &out, &notes, &err)) {
        pr_cli_report(&err);
        goto done;
    }
    for (char *line = notes.buf, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        pr_cli_error("%.*s", (int)(nl - line), line);
    }
    rc = PR_EXIT_OK;
    if (out.len == src.len && !memcmp(out.buf, src.buf, src.len))
        goto done; /* nothing changed: leave the file, and its mtime, alone */
    /* Write through a symlink to the file it names, keeping the link. */
    real = realpath(path, NULL);
    if (pr_cli_write_output(real ? real : path, out.buf, out.len) != 0)
        rc = PR_EXIT_RENDER_ERROR;
    else
        sync_dir(real ? real : path);
done:
    for (size_t j = 0; j < nexp; j++)
        free(expanded[j]);
    free(expanded);
    free(real);
    free(path);
    free(args);
    free(dir);
    pr_sb_release(&src);
    pr_sb_release(&out);
    pr_sb_release(&notes);
    pr_error_release(&err);
    return rc;
}
