/*
 * The on-disk pr_fs and lexical path helpers. Files are read whole with
 * a size cap so a hostile input cannot exhaust memory through one read.
 */
#include "pleo/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_SIZE (256u * 1024 * 1024)

/* open, fstat, one read of the whole file and close: stdio would add a
 * read to find the end and copy through its buffer, and a large tree
 * reads thousands of small files. */
static bool disk_read_file(const pr_fs *fs, const char *path, pr_strbuf *out,
                           pr_error *err)
{
    (void)fs;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return pr_error_set(err, "%s: %s", path, strerror(errno));
    struct stat st;
    bool ok = fstat(fd, &st) == 0 || pr_error_set(err, "%s: %s", path, strerror(errno));
    if (ok && S_ISDIR(st.st_mode))
        ok = pr_error_set(err, "%s: is a directory; this field takes the path of a file", path);
    /* The size is a hint: /proc states 0 and then gives a page a read,
     * and a file may change. Only a first read that returns exactly the
     * stated size (with room for a byte more) is taken as the whole file;
     * otherwise reads go on until one returns nothing. */
    bool sized = ok && S_ISREG(st.st_mode) && st.st_size > 0 &&
                 (uint64_t)st.st_size < MAX_FILE_SIZE;
    size_t want = sized ? (size_t)st.st_size + 1 : 65536;
    size_t start = out->len;
    for (bool first = true; ok; first = false) {
        pr_sb_reserve(out, want);
        ssize_t n = read(fd, out->buf + out->len, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ok = pr_error_set(err, "%s: %s", path, strerror(errno));
            break;
        }
        out->len += (size_t)n;
        out->buf[out->len] = '\0';
        if (out->len - start > MAX_FILE_SIZE) {
            ok = pr_error_set(err, "%s: file is larger than %u MiB", path, MAX_FILE_SIZE >> 20);
            break;
        }
        if (n == 0 || (first && sized && (size_t)n == want - 1))
            break;
        want = 65536;
    }
    close(fd);
    return ok;
}

static pr_path_type disk_path_type(const pr_fs *fs, const char *path)
{
    (void)fs;
    struct stat st;
    if (stat(path, &st) != 0)
        return PR_PATH_MISSING;
    return S_ISDIR(st.st_mode) ? PR_PATH_DIR : PR_PATH_FILE;
}

static pr_path_info disk_path_info(const pr_fs *fs, const char *path)
{
    (void)fs;
    struct stat st;
    pr_path_info info = {PR_PATH_MISSING, false};
    if (lstat(path, &st) != 0)
        return info;
    info.is_link = S_ISLNK(st.st_mode);
    if (info.is_link && stat(path, &st) != 0)
        return info;
    info.type = S_ISDIR(st.st_mode) ? PR_PATH_DIR : PR_PATH_FILE;
    return info;
}

/* realpath(3) asks the kernel about every component of the path (a
 * readlink each: a build canonicalizes every file it loads, and the
 * deep paths of a large tree made this the main system cost). Opening the
 * path once and reading back what the kernel resolved costs three calls
 * whatever the depth; realpath remains where /proc is not mounted. */
static char *disk_canonical(const pr_fs *fs, pr_arena *a, const char *path)
{
    (void)fs;
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char link[64], resolved[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, resolved, sizeof resolved);
    close(fd);
    if (n > 0 && (size_t)n < sizeof resolved && resolved[0] == '/')
        return pr_strndup(a, resolved, (size_t)n);
    char *r = realpath(path, NULL);
    if (!r)
        return NULL;
    char *copy = pr_strdup(a, r);
    free(r);
    return copy;
}

static bool disk_list_dir(const pr_fs *fs, pr_arena *a, const char *path,
                          pr_dir_entry **entries, size_t *len, pr_error *err)
{
    (void)fs;
    *entries = NULL;
    *len = 0;
    DIR *d = opendir(path);
    if (!d)
        return pr_error_set(err, "%s: %s", path, strerror(errno));
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        /* lstat: a symlink to a directory is no directory here, since
         * walking through links can loop. */
        struct stat st;
        bool is_dir = lstat(pr_path_join(a, path, e->d_name), &st) == 0 && S_ISDIR(st.st_mode);
        *entries = pr_grow(a, *entries, sizeof **entries, &cap, *len + 1);
        (*entries)[(*len)++] = (pr_dir_entry){pr_strdup(a, e->d_name), is_dir};
    }
    closedir(d);
    pr_dir_entries_sort(*entries, *len);
    return true;
}

static const pr_fs disk_fs = {disk_read_file, disk_path_type, disk_canonical, NULL,
                              disk_list_dir, disk_path_info};

const pr_fs *pr_fs_disk(void)
{
    return &disk_fs;
}

static int by_entry_name(const void *x, const void *y)
{
    return strcmp(((const pr_dir_entry *)x)->name, ((const pr_dir_entry *)y)->name);
}

void pr_dir_entries_sort(pr_dir_entry *entries, size_t len)
{
    if (len > 1)
        qsort(entries, len, sizeof *entries, by_entry_name);
}

/* Normalizes the `len` bytes of `joined` into `out` (room for len + 3),
 * with `starts` room for len + 1 positions; returns the length written. */
static size_t normalize(const char *joined, size_t len, char *out, size_t *starts)
{
    bool absolute = joined[0] == '/';
    size_t k = 0, nseg = 0;
    if (absolute)
        out[k++] = '/';
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && joined[j] != '/')
            j++;
        size_t seglen = j - i;
        const char *seg = joined + i;
        if (seglen == 0 || (seglen == 1 && seg[0] == '.')) {
            /* skip */
        } else if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
            if (nseg > 0) {
                k = starts[--nseg];
            } else if (!absolute) {
                memcpy(out + k, "../", 3);
                k += 3;
            }
        } else {
            starts[nseg++] = k;
            memcpy(out + k, seg, seglen);
            k += seglen;
            out[k++] = '/';
        }
        i = j + 1;
    }
    if (k > 1 && out[k - 1] == '/')
        k--;
    if (k == 0)
        out[k++] = '.';
    return k;
}

char *pr_path_join(pr_arena *a, const char *dir, const char *rel)
{
    /* The joined and normalized forms are worked out on the stack (the
     * heap for long paths): only the result goes to the arena, which
     * keeps every byte it hands out until the build ends. */
    bool prefix = rel[0] != '/';
    size_t dlen = prefix ? strlen(dir) : 0, rlen = strlen(rel);
    size_t len = prefix ? dlen + 1 + rlen : rlen;
    char room[3 * 256];
    size_t starts_room[256];
    bool small = len < 256;
    char *joined = small ? room : malloc(2 * len + 4);
    size_t *starts = small ? starts_room : malloc((len + 1) * sizeof *starts);
    if (!joined || !starts) {
        fputs("pleo-render: out of memory\n", stderr);
        abort();
    }
    char *out = joined + len + 1;
    if (prefix) {
        memcpy(joined, dir, dlen);
        joined[dlen] = '/';
    }
    memcpy(joined + (prefix ? dlen + 1 : 0), rel, rlen);
    joined[len] = '\0';
    size_t k = normalize(joined, len, out, starts);
    char *result = pr_strndup(a, out, k);
    if (!small) {
        free(joined);
        free(starts);
    }
    return result;
}

char *pr_path_dir(pr_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return pr_strdup(a, ".");
    if (slash == path)
        return pr_strdup(a, "/");
    return pr_strndup(a, path, (size_t)(slash - path));
}

bool pr_path_within(const char *root, const char *path)
{
    size_t n = strlen(root);
    if (strncmp(root, path, n) != 0)
        return false;
    return path[n] == '\0' || path[n] == '/' || (n == 1 && root[0] == '/');
}

const char *const pr_kustomization_names[3] = {"kustomization.yaml", "kustomization.yml",
                                               "Kustomization"};

const char *pr_kustomization_file_in(const pr_fs *fs, pr_arena *a, const char *dir)
{
    for (size_t i = 0; i < 3; i++) {
        const char *p = pr_path_join(a, dir, pr_kustomization_names[i]);
        if (fs->path_type(fs, p) == PR_PATH_FILE)
            return p;
    }
    return NULL;
}
