/* Unit tests for the git-backed pr_fs: a repository made with the git
 * command line, read back at a commit while the work tree says otherwise,
 * so a test passes only if the object database (not the disk) is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pleo/build.h"
#include "pleo/fs.h"

static char repo[64];

static void sh(const char *fmt, const char *arg)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, arg);
    if (system(cmd) != 0)
        fail_msg("command failed: %s", cmd);
}

static int make_repo(void **state)
{
    (void)state;
    strcpy(repo, "/tmp/pleo-fsgit-XXXXXX");
    if (!mkdtemp(repo))
        return -1;
    sh("cd %s && git init -q . && git config user.email t@t && git config user.name t && "
       "mkdir -p base app && "
       "printf 'resources:\\n- cm.yaml\\n' > base/kustomization.yaml && "
       "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: c\\ndata:\\n  k: one\\n' "
       "> base/cm.yaml && "
       "printf 'resources:\\n- ../linked\\nnamePrefix: p-\\n' > app/kustomization.yaml && "
       "ln -s base linked && git add -A && git commit -qm one && "
       /* The work tree now differs from the commit. */
       "sed -i s/one/two/ base/cm.yaml && rm app/kustomization.yaml",
       repo);
    return 0;
}

static int remove_repo(void **state)
{
    (void)state;
    sh("rm -rf %s", repo);
    return 0;
}

static void test_reads_the_commit_not_the_work_tree(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    pr_fs_git *g = pr_fs_git_open(a, repo, "HEAD", &err);
    assert_non_null(g);
    const pr_fs *fs = pr_fs_git_fs(g);
    pr_strbuf buf;
    pr_sb_init(&buf);
    assert_true(fs->read_file(fs, "base/cm.yaml", &buf, &err));
    assert_non_null(strstr(buf.buf, "k: one"));
    assert_int_equal(fs->path_type(fs, "app/kustomization.yaml"), PR_PATH_FILE);
    assert_int_equal(fs->path_type(fs, "app"), PR_PATH_DIR);
    assert_int_equal(fs->path_type(fs, "./app/../base"), PR_PATH_DIR);
    assert_int_equal(fs->path_type(fs, "nope"), PR_PATH_MISSING);
    assert_int_equal(fs->path_type(fs, "base/cm.yaml/x"), PR_PATH_MISSING);
    /* The symlink is followed inside the tree. */
    assert_int_equal(fs->path_type(fs, "linked/cm.yaml"), PR_PATH_FILE);
    assert_string_equal(fs->canonical(fs, a, "linked"), "/base");
    assert_string_equal(fs->canonical(fs, a, "app/../linked/cm.yaml"), "/base/cm.yaml");
    assert_null(fs->canonical(fs, a, "missing/x"));
    pr_sb_reset(&buf);
    assert_false(fs->read_file(fs, "base", &buf, &err));
    assert_non_null(strstr(pr_error_text(&err), "Is a directory"));

    /* The whole build goes through it. */
    pr_build_options opts = {.fs = fs};
    pr_strbuf out;
    pr_sb_init(&out);
    assert_true(pr_build_render("app", &opts, &out, NULL, &err));
    assert_string_equal(out.buf, "apiVersion: v1\ndata:\n  k: one\nkind: ConfigMap\n"
                                 "metadata:\n  name: p-c\n");

    /* Directories list as the commit has them: a symlink is no directory
     * of its own, but listing through it lists its target. */
    pr_dir_entry *e;
    size_t n;
    assert_true(fs->list_dir(fs, a, ".", &e, &n, &err));
    assert_int_equal(n, 3);
    assert_string_equal(e[0].name, "app");
    assert_true(e[0].is_dir);
    assert_string_equal(e[2].name, "linked");
    assert_false(e[2].is_dir);
    assert_true(fs->list_dir(fs, a, "linked", &e, &n, &err));
    assert_int_equal(n, 2);
    assert_string_equal(e[0].name, "cm.yaml");
    assert_false(e[0].is_dir);
    assert_string_equal(e[1].name, "kustomization.yaml");
    assert_false(fs->list_dir(fs, a, "base/cm.yaml", &e, &n, &err));
    assert_non_null(strstr(pr_error_text(&err), "Not a directory"));
    assert_false(fs->list_dir(fs, a, "nope", &e, &n, &err));

    pr_sb_release(&out);
    pr_sb_release(&buf);
    pr_fs_git_close(g);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_looping_links_are_missing(void **state)
{
    (void)state;
    sh("cd %s && ln -s loop2 loop1 && ln -s loop1 loop2 && git add loop1 loop2 && "
       "git commit -qm loops", repo);
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    pr_fs_git *g = pr_fs_git_open(a, repo, "HEAD", &err);
    assert_non_null(g);
    const pr_fs *fs = pr_fs_git_fs(g);
    assert_int_equal(fs->path_type(fs, "loop1"), PR_PATH_MISSING);
    assert_int_equal(fs->path_type(fs, "loop1/x"), PR_PATH_MISSING);
    pr_fs_git_close(g);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_errors_name_the_problem(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    assert_null(pr_fs_git_open(a, repo, "no-such-rev", &err));
    assert_non_null(strstr(pr_error_text(&err), "revision 'no-such-rev'"));
    assert_null(pr_fs_git_open(a, "/", "HEAD", &err));
    assert_non_null(strstr(pr_error_text(&err), "not in a git repository"));
    pr_error_release(&err);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_the_commit_not_the_work_tree),
        cmocka_unit_test(test_looping_links_are_missing),
        cmocka_unit_test(test_errors_name_the_problem),
    };
    return cmocka_run_group_tests(tests, make_repo, remove_repo);
}
