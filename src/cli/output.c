/*
 * Output helpers shared by subcommands: error reports, and writing the
 * result where -o says. A file is written the way the shell's `>` (and
 * kustomize's os.WriteFile) writes it: through a symlink to its target,
 * into a device or a FIFO, keeping the owner and mode of what is there;
 * a regular file is replaced atomically (temporary file, fsync, rename)
 * so a reader never sees half of it, unless that would lose something
 * `>` keeps (other hard links, an owner we cannot give back, a directory
 * we may not create files in), where it is overwritten in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "pleo/arena.h"
#include "pleo/resource.h"
#include "pleo/yaml.h"

void pr_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("pleo-render: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void pr_cli_report(const pr_error *err)
{
    pr_cli_error("%s", pr_error_text(err));
    if (!err->src_path || err->line <= 0)
        return;
    FILE *f = fopen(err->src_path, "rb");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    bool found = false;
    while (getline(&line, &cap, f) >= 0)
        if (++n == err->line) {
            found = true;
            break;
        }
    fclose(f);
    if (!found) {
        free(line);
        return;
    }
    line[strcspn(line, "\r\n")] = '\0';
    /* Show at most a window of the line around the column. */
    int len = (int)strlen(line), col = err->col - 1, start = 0, width = 100;
    if (col > len)
        col = len;
    if (col > width - 20)
        start = col - (width - 20);
    int shown = len - start < width ? len - start : width;
    fprintf(stderr, "  %s%.*s%s\n  %s", start ? "..." : "", shown, line + start,
            start + shown < len ? "..." : "", start ? "   " : "");
    /* Keep tabs so the caret lines up under the same column. */
    for (int i = start; i < col; i++)
        fputc(line[i] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
    free(line);
}

void pr_cli_write_error(const char *what, const char *path, int error)
{
    const char *hint = NULL;
    size_t n = strlen(path);
    switch (error) {
    case ENOENT:
    case ENOTDIR:
        hint = n && path[n - 1] == '/'
                   ? "a path ending in '/' names a directory: create it first"
                   : "its directory does not exist (or a symlink on the way dangles): "
                     "create it, or give another path";
        break;
    case ELOOP:
        hint = "the symlinks on the way loop: give another path";
        break;
    case EACCES:
    case EPERM:
    case EROFS:
        /* Output goes where the user says; an existing file is theirs to
         * make writable. */
        hint = what ? "make it writable (chmod u+w, or a writable mount) and run again"
                    : "not writable here: give a path you may write";
        break;
    case ENOSPC:
    case EDQUOT:
        hint = "the file system is full";
        break;
    }
    if (!what)
        what = "the output";
    if (hint)
        pr_cli_error("cannot write %s '%s': %s; %s", what, path, strerror(error), hint);
    else
        pr_cli_error("cannot write %s '%s': %s", what, path, strerror(error));
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* What `>` does: open (creating with 0666 less the umask), truncate; the
 * data follows. Devices and FIFOs ignore the truncation. */
static int open_in_place(pr_cli_output *o, const char *path)
{
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (o->fd < 0) {
        pr_cli_write_error(o->what, path, errno);
        return 1;
    }
    o->name = strdup(path);
    o->atomic = false;
    return o->name ? 0 : (close(o->fd), pr_cli_write_error(o->what, path, ENOMEM), 1);
}

static mode_t creation_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Starts replacing the regular file `path` (no symlink) atomically: a
 * temporary file beside it, given `old`'s mode and owner (NULL: a new
 * file, 0666 less the umask), renamed over it when all is written.
 * Returns 0, 1 after printing an error, or -1 when an atomic replacement
 * is impossible here and the file should be overwritten in place. */
static int open_atomic(pr_cli_output *o, const char *path, const struct stat *old)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    char *name = strdup(path);
    if (!tmp || !name) {
        free(tmp);
        free(name);
        pr_cli_write_error(o->what, path, ENOMEM);
        return 1;
    }
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        free(name);
        if (old && (e == EACCES || e == EPERM || e == EROFS))
            return -1;
        pr_cli_write_error(o->what, path, e);
        return 1;
    }
    int rc = 0;
    if (old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
        fchown(fd, old->st_uid, old->st_gid) != 0) {
        rc = -1; /* we cannot give the file back to its owner */
    } else if (fchmod(fd, old ? old->st_mode & 07777 : creation_mode()) != 0) {
        pr_cli_write_error(o->what, path, errno);
        rc = 1;
    }
    if (rc != 0) {
        close(fd);
        unlink(tmp);
        free(tmp);
        free(name);
        return rc;
    }
    o->fd = fd;
    o->tmp = tmp;
    o->name = name;
    o->atomic = true;
    return 0;
}

int pr_cli_output_open(pr_cli_output *o, const char *path)
{
    return pr_cli_output_open_as(o, path, NULL);
}

int pr_cli_output_open_as(pr_cli_output *o, const char *path, const char *what)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->what = what;
    if (!path) {
        o->fd = STDOUT_FILENO;
        return 0;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        struct stat lst;
        if (errno != ENOENT) {
            pr_cli_write_error(o->what, path, errno);
            return 1;
        }
        /* A dangling symlink: `>` creates the file it names. */
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            return open_in_place(o, path);
        return open_atomic(o, path, NULL) == 0 ? 0 : 1;
    }
    if (S_ISDIR(st.st_mode)) {
        pr_cli_error("cannot write %s '%s': it is a directory; give a file path",
                     o->what ? o->what : "the output", path);
        return 1;
    }
    if (!S_ISREG(st.st_mode) || st.st_nlink > 1)
        return open_in_place(o, path);
    /* Replace the file a symlink names, keeping the link. */
    char *real = realpath(path, NULL);
    if (!real) {
        pr_cli_write_error(o->what, path, errno);
        return 1;
    }
    int rc = open_atomic(o, real, &st);
    if (rc < 0)
        rc = open_in_place(o, real);
    free(real);
    return rc;
}

int pr_cli_output_write(pr_cli_output *o, const char *data, size_t len)
{
    if (o->failed)
        return 1;
    if (write_all(o->fd, data, len) != 0) {
        if (o->name)
            pr_cli_write_error(o->what, o->name, errno);
        else
            pr_cli_error("writing output: %s", strerror(errno));
        o->failed = true;
        return 1;
    }
    return 0;
}

int pr_cli_output_close(pr_cli_output *o, bool keep)
{
    if (!o->name) /* stdout stays open */
        return o->failed ? 1 : 0;
    bool ok = keep && !o->failed;
    struct stat st;
    if (ok && (o->atomic || (fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode))) &&
        fsync(o->fd) != 0) {
        pr_cli_write_error(o->what, o->name, errno);
        ok = false;
    }
    if (close(o->fd) != 0 && ok) {
        pr_cli_write_error(o->what, o->name, errno);
        ok = false;
    }
    if (o->atomic && ok && rename(o->tmp, o->name) != 0) {
        pr_cli_write_error(o->what, o->name, errno);
        ok = false;
    }
    if (o->atomic && !ok)
        unlink(o->tmp);
    free(o->tmp);
    free(o->name);
    o->tmp = o->name = NULL;
    if (!keep)
        return o->failed ? 1 : 0;
    return ok ? 0 : 1;
}

int pr_cli_write_output(const char *path, const char *data, size_t len)
{
    return pr_cli_write_file(path, NULL, data, len);
}

int pr_cli_write_file(const char *path, const char *what, const char *data, size_t len)
{
    pr_cli_output o;
    if (pr_cli_output_open_as(&o, path, what) != 0)
        return 1;
    pr_cli_output_write(&o, data, len);
    return pr_cli_output_close(&o, true);
}

/* strings.ToLower for the ASCII letters; other bytes are kept. */
static void lower_into(pr_strbuf *sb, const char *s)
{
    for (; *s; s++)
        pr_sb_addc(sb, *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s);
}

/* kustomize's file name for an object: Gvk.StringWoEmptyField ("group_
 * version_kind", empty parts left out) and the name, lower-cased. */
static void file_name(pr_strbuf *sb, const pr_gvk *gvk, const char *name)
{
    const char *parts[] = {gvk->group, gvk->version, gvk->kind};
    bool first = true;
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (!first)
            pr_sb_addc(sb, '_');
        lower_into(sb, parts[i]);
        first = false;
    }
    pr_sb_addc(sb, '_');
    lower_into(sb, name);
    pr_sb_adds(sb, ".yaml");
}

int pr_cli_write_dir(const char *dir, const char *data, size_t len)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    int rc = 0;
    if (!pr_yaml_parse(a, "the rendered output", data, len, &docs, &err)) {
        pr_cli_report(&err);
        rc = 1;
        goto done;
    }
    /* Each document's bytes, as rendered: documents are separated by a
     * "---" line, which the emitter never writes inside one (it quotes a
     * "---" key or value). */
    const char **text = pr_alloc(a, (docs.len + 1) * sizeof *text);
    size_t *tlen = pr_alloc(a, (docs.len + 1) * sizeof *tlen);
    size_t ndocs = 0;
    for (const char *p = data, *end = data + len; p < end && ndocs <= docs.len;) {
        const char *sep = memmem(p, (size_t)(end - p), "\n---\n", 5);
        const char *stop = sep ? sep + 1 : end;
        text[ndocs] = p;
        tlen[ndocs++] = (size_t)(stop - p);
        p = sep ? sep + 5 : end;
    }
    if (ndocs != docs.len) {
        pr_cli_error("internal error: %zu documents rendered but %zu found; "
                     "please report this with the kustomization", docs.len, ndocs);
        rc = 1;
        goto done;
    }
    /* kustomize writes the namespaced objects, grouped by namespace, then
     * the cluster-scoped ones; a namespace prefix only when objects sit in
     * more than one namespace. A later file of the same name replaces an
     * earlier one, as in kustomize. */
    const char **ns = pr_alloc(a, (docs.len + 1) * sizeof *ns);
    pr_gvk *gvks = pr_alloc(a, (docs.len + 1) * sizeof *gvks);
    const char *first_ns = NULL;
    bool several = false;
    for (size_t i = 0; i < docs.len; i++) {
        pr_resid id = {.gvk = pr_obj_gvk(a, docs.docs[i]), .name = pr_obj_name(docs.docs[i]),
                       .namespace = pr_obj_namespace(docs.docs[i])};
        gvks[i] = id.gvk;
        ns[i] = pr_kind_is_cluster_scoped(&id.gvk) ? NULL : pr_resid_effective_namespace(&id);
        if (ns[i] && first_ns && strcmp(first_ns, ns[i]) != 0)
            several = true;
        if (ns[i] && !first_ns)
            first_ns = ns[i];
        if (strchr(pr_obj_name(docs.docs[i]), '/')) {
            /* kustomize would write outside DIR (or fail on a missing
             * subdirectory); refuse instead. */
            pr_cli_error("%s: the name '%s' has a '/', so it cannot name a file in %s",
                         pr_gvk_string(a, &id.gvk), pr_obj_name(docs.docs[i]), dir);
            rc = 1;
            goto done;
        }
    }
    pr_strbuf path;
    pr_sb_init(&path);
    for (int cluster = 0; cluster < 2 && rc == 0; cluster++) {
        for (size_t i = 0; i < docs.len && rc == 0; i++) {
            if ((ns[i] == NULL) != (cluster == 1))
                continue;
            pr_sb_reset(&path);
            pr_sb_adds(&path, dir);
            if (path.len && path.buf[path.len - 1] != '/')
                pr_sb_addc(&path, '/');
            if (ns[i] && several) {
                lower_into(&path, ns[i]);
                pr_sb_addc(&path, '_');
            }
            file_name(&path, &gvks[i], pr_obj_name(docs.docs[i]));
            rc = pr_cli_write_output(path.buf, text[i], tlen[i]);
        }
    }
    pr_sb_release(&path);
done:
    pr_error_release(&err);
    pr_arena_free(a);
    return rc;
}
