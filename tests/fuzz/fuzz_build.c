/*
 * libFuzzer target: a whole build over a file tree held in memory. The
 * input is a small archive: text up to the first "\n=== PATH\n" line is
 * kustomization.yaml, and each such line starts a file named PATH. The
 * build must succeed or fail cleanly; on failure nothing may be output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pleo/build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *find_marker(const char *p, const char *end)
{
    for (; p + 5 <= end; p++)
        if (p[0] == '\n' && !memcmp(p + 1, "=== ", 4))
            return p;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pr_arena *a = pr_arena_new();
    char *copy = pr_strndup(a, (const char *)data, size);
    const char *end = copy + size;
    pr_fs_memory *tree = pr_fs_memory_new(a);
    const char *name = "kustomization.yaml";
    const char *start = copy;
    for (;;) {
        const char *marker = find_marker(start, end);
        const char *stop = marker ? marker : end;
        pr_fs_memory_add(tree, name, start, (size_t)(stop - start));
        if (!marker)
            break;
        const char *path = marker + 5;
        const char *nl = memchr(path, '\n', (size_t)(end - path));
        if (!nl)
            break;
        name = pr_strndup(a, path, (size_t)(nl - path));
        start = nl + 1;
    }
    pr_build_options opts = {.fs = pr_fs_memory_fs(tree)};
    pr_strbuf out, warnings;
    pr_error err;
    pr_sb_init(&out);
    pr_sb_init(&warnings);
    pr_error_init(&err);
    bool ok = pr_build_render(".", &opts, &out, &warnings, &err);
    if (!ok && out.len)
        abort(); /* half an answer */
    if (!ok && !pr_error_isset(&err))
        abort(); /* a failure must say why */
    pr_sb_release(&out);
    pr_sb_release(&warnings);
    pr_error_release(&err);
    pr_arena_free(a);
    return 0;
}
