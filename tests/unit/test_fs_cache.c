/* Unit tests for pr_fs_cache and the disk pr_fs under it: canonical paths
 * spelled from a directory's canonical path must equal what the kernel
 * resolves (realpath) through symlinked directories, symlinked files,
 * relative paths and "..", and the disk reader must read files whose size
 * is stated wrongly (/proc) or larger than one read. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pleo/fs.h"

static char top[64];
static char cwd[PATH_MAX];

static void sh(const char *fmt, const char *arg)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, arg);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

static int make_tree(void **state)
{
    (void)state;
    strcpy(top, "/tmp/pleo-fscache-XXXXXX");
    if (!mkdtemp(top) || !getcwd(cwd, sizeof cwd))
        return -1;
    sh("cd %s && mkdir -p real/dir real/other && echo a > real/dir/file.yaml && "
       "echo b > real/other/target.yaml && ln -s real/dir linkdir && "
       "ln -s ../other/target.yaml real/dir/linkfile.yaml && ln -s nowhere dangling && "
       "head -c 200000 /dev/zero | tr '\\0' x > real/big.yaml",
       top);
    return 0;
}

static int remove_tree(void **state)
{
    (void)state;
    if (chdir(cwd) != 0)
        return -1;
    sh("rm -rf %s", top);
    return 0;
}

/* Checks `path` against the kernel: same type as the disk pr_fs says, and
 * the canonical form realpath gives (NULL when there is none). */
static void check_path(const pr_fs *fs, pr_arena *a, const char *path)
{
    const pr_fs *disk = pr_fs_disk();
    assert_int_equal(fs->path_type(fs, path), disk->path_type(disk, path));
    char *want = realpath(path, NULL);
    char *got = fs->canonical(fs, a, path);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    /* Asked again, from memory, the same. */
    assert_string_equal(fs->canonical(fs, a, path), want);
    free(want);
}

static void test_canonical_paths_match_the_kernel(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_fs_cache *c = pr_fs_cache_new(pr_fs_disk());
    const pr_fs *fs = pr_fs_cache_fs(c);
    static const char *const rel[] = {
        "real/dir/file.yaml", "linkdir/file.yaml", "linkdir", "real/dir/linkfile.yaml",
        "linkdir/linkfile.yaml", "real/dir/../other/target.yaml", "linkdir/missing.yaml",
        "dangling", "real", ".", "real/dir",
    };
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        check_path(fs, a, pr_path_join(a, top, rel[i]));
        /* The same paths relative to the working directory. */
        assert_int_equal(chdir(top), 0);
        check_path(fs, a, rel[i]);
        assert_int_equal(chdir(cwd), 0);
    }
    check_path(fs, a, "/");
    pr_fs_cache_free(c);
    pr_arena_free(a);
}

static void test_answers_are_remembered_for_the_build(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_fs_cache *c = pr_fs_cache_new(pr_fs_disk());
    const pr_fs *fs = pr_fs_cache_fs(c);
    const char *gone = pr_path_join(a, top, "real/gone.yaml");
    sh("echo c > %s", gone);
    assert_int_equal(fs->path_type(fs, gone), PR_PATH_FILE);
    const char *canonical = fs->canonical(fs, a, gone);
    sh("rm %s", gone);
    /* A build sees the tree as it was first asked, as kustomize assumes
     * it does not change under it. */
    assert_int_equal(fs->path_type(fs, gone), PR_PATH_FILE);
    assert_string_equal(fs->canonical(fs, a, gone), canonical);
    pr_fs_cache_free(c);
    /* A new cache asks again. */
    c = pr_fs_cache_new(pr_fs_disk());
    fs = pr_fs_cache_fs(c);
    assert_int_equal(fs->path_type(fs, gone), PR_PATH_MISSING);
    assert_null(fs->canonical(fs, a, gone));
    pr_fs_cache_free(c);
    pr_arena_free(a);
}

static void test_disk_reads_whole_files(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    const pr_fs *disk = pr_fs_disk();
    pr_error err;
    pr_error_init(&err);
    pr_strbuf out;
    pr_sb_init(&out);
    /* Larger than one read of the unknown-size path. */
    assert_true(disk->read_file(disk, pr_path_join(a, top, "real/big.yaml"), &out, &err));
    assert_int_equal(out.len, 200000);
    assert_int_equal(out.buf[199999], 'x');
    assert_int_equal(out.buf[200000], '\0');
    /* /proc states a size of 0 and has content. */
    pr_sb_reset(&out);
    assert_true(disk->read_file(disk, "/proc/self/status", &out, &err));
    assert_non_null(strstr(out.buf, "Name:"));
    assert_int_equal(strlen(out.buf), out.len);
    /* Nor does it give a page a read: what stdio reads to the end. */
    pr_sb_reset(&out);
    const char *proc = "/proc/self/smaps";
    assert_true(disk->read_file(disk, proc, &out, &err));
    assert_true(out.len > 8192);
    assert_non_null(strstr(out.buf + out.len - 200, "VmFlags"));
    assert_int_equal(strlen(out.buf), out.len);
    /* Appends to what the buffer holds. */
    pr_sb_reset(&out);
    pr_sb_adds(&out, "head:");
    assert_true(disk->read_file(disk, pr_path_join(a, top, "real/dir/file.yaml"), &out, &err));
    assert_string_equal(out.buf, "head:a\n");
    /* A directory and a missing file are errors naming the path. */
    const char *dir = pr_path_join(a, top, "real");
    assert_false(disk->read_file(disk, dir, &out, &err));
    assert_non_null(strstr(pr_error_text(&err), dir));
    pr_error_release(&err);
    pr_error_init(&err);
    assert_false(disk->read_file(disk, pr_path_join(a, top, "missing.yaml"), &out, &err));
    assert_non_null(strstr(pr_error_text(&err), "missing.yaml"));
    pr_error_release(&err);
    pr_sb_release(&out);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_paths_match_the_kernel),
        cmocka_unit_test(test_answers_are_remembered_for_the_build),
        cmocka_unit_test(test_disk_reads_whole_files),
    };
    return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
