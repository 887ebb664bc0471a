/* Unit tests for the diff engine: pairing, hash renames, Secret masking
 * and the escaping in the reports. Trees are built in memory and rendered
 * with the real pipeline (pr_build_resources). Root discovery is
 * pr_roots_find's (test_roots.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/build.h"
#include "pleo/diff.h"

typedef struct {
    pr_rendered *items;
    size_t len;
} render;

/* Renders the kustomization `k` with the extra file `file` of `text`. */
static render build(pr_arena *a, const char *k, const char *file, const char *text)
{
    pr_fs_memory *m = pr_fs_memory_new(a);
    pr_fs_memory_add(m, "kustomization.yaml", k, strlen(k));
    if (file)
        pr_fs_memory_add(m, file, text, strlen(text));
    pr_build_options opts = {.fs = pr_fs_memory_fs(m)};
    pr_error err;
    pr_error_init(&err);
    render r;
    if (!pr_build_resources(".", &opts, a, &r.items, &r.len, NULL, &err))
        fail_msg("%s", pr_error_text(&err));
    pr_error_release(&err);
    return r;
}

static pr_diff_root compare(pr_arena *a, render o, render n, int context, bool secrets)
{
    pr_diff_options opts = {.context = context, .show_secrets = secrets};
    pr_diff_root root;
    pr_diff_compare(a, "r", o.items, o.len, n.items, n.len, &opts, &root);
    return root;
}

#define OBJ "resources:\n- o.yaml\n"

static void test_version_is_not_part_of_the_identity(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    render o = build(a, OBJ, "o.yaml", "apiVersion: apps/v1beta2\nkind: Deployment\n"
                                       "metadata:\n  name: d\n");
    render n = build(a, OBJ, "o.yaml", "apiVersion: apps/v1\nkind: Deployment\n"
                                       "metadata:\n  name: d\n");
    pr_diff_root r = compare(a, o, n, 3, false);
    assert_int_equal(r.status, PR_ROOT_CHANGED);
    assert_int_equal(r.len, 1);
    assert_int_equal(r.entries[0].status, PR_DIFF_CHANGED);
    assert_string_equal(r.entries[0].api_version, "apps/v1");
    assert_string_equal(r.entries[0].group, "apps");
    assert_null(r.entries[0].old_name);
    assert_non_null(strstr(r.entries[0].diff, "-apiVersion: apps/v1beta2\n+apiVersion: apps/v1\n"));
    /* The same render twice: nothing. */
    r = compare(a, n, n, 3, false);
    assert_int_equal(r.status, PR_ROOT_UNCHANGED);
    assert_int_equal(r.len, 0);
    pr_arena_free(a);
}

static void test_hash_rename_is_one_change(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    render o = build(a, "configMapGenerator:\n- name: cm\n  literals:\n  - a=1\n", NULL, NULL);
    render n = build(a, "configMapGenerator:\n- name: cm\n  literals:\n  - a=2\n", NULL, NULL);
    assert_non_null(o.items[0].generated_name);
    assert_string_equal(o.items[0].generated_name, "cm");
    pr_diff_root r = compare(a, o, n, 3, false);
    assert_int_equal(r.len, 1);
    assert_int_equal(r.entries[0].status, PR_DIFF_CHANGED);
    assert_string_equal(r.entries[0].name, n.items[0].name);
    assert_string_equal(r.entries[0].old_name, o.items[0].name);
    assert_string_not_equal(o.items[0].name, n.items[0].name);
    /* Turning the hash off keeps the pairing. */
    render plain = build(a, "generatorOptions:\n  disableNameSuffixHash: true\n"
                            "configMapGenerator:\n- name: cm\n  literals:\n  - a=2\n",
                         NULL, NULL);
    assert_null(plain.items[0].generated_name);
    r = compare(a, o, plain, 3, false);
    assert_int_equal(r.len, 1);
    assert_int_equal(r.entries[0].status, PR_DIFF_CHANGED);
    assert_string_equal(r.entries[0].name, "cm");
    pr_arena_free(a);
}

static void test_hash_like_names_of_plain_objects_do_not_pair(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    render o = build(a, OBJ, "o.yaml", "apiVersion: v1\nkind: ConfigMap\n"
                                       "metadata:\n  name: cm-tkdd2k99f2\n");
    render n = build(a, OBJ, "o.yaml", "apiVersion: v1\nkind: ConfigMap\n"
                                       "metadata:\n  name: cm-94t82hkhc5\n");
    pr_diff_root r = compare(a, o, n, 3, false);
    assert_int_equal(r.len, 2);
    assert_int_equal(r.entries[0].status, PR_DIFF_ADDED);
    assert_int_equal(r.entries[1].status, PR_DIFF_REMOVED);
    assert_non_null(strstr(r.entries[0].diff, "--- /dev/null\n+++ ConfigMap cm-94t82hkhc5\n"
                                              "@@ -0,0 +1,4 @@\n"));
    pr_arena_free(a);
}

#define SECRET(data)                                                                       \
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n" data                     \
    "stringData:\n  note: plain-words\n"

static void test_secret_values_are_masked(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    render o = build(a, OBJ, "o.yaml", SECRET("  same: c2FtZQ==\n  gone: Z29uZQ==\n"
                                              "  edit: b2xk\n"));
    render n = build(a, OBJ, "o.yaml", SECRET("  same: c2FtZQ==\n  edit: bmV3\n"
                                              "  born: Ym9ybg==\n"));
    pr_diff_root r = compare(a, o, n, 10, false);
    assert_int_equal(r.len, 1);
    const char *d = r.entries[0].diff;
    static const char *const secrets[] = {"c2FtZQ", "Z29uZQ", "b2xk", "bmV3", "Ym9ybg",
                                          "plain-words"};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        if (strstr(d, secrets[i]))
            fail_msg("value %s shown in:\n%s", secrets[i], d);
    assert_non_null(strstr(d, "\n+  born: <masked added>\n"));
    assert_non_null(strstr(d, "\n-  edit: <masked old value>\n"));
    assert_non_null(strstr(d, "\n+  edit: <masked new value>\n"));
    assert_non_null(strstr(d, "\n-  gone: <masked removed>\n"));
    assert_non_null(strstr(d, "\n   same: <masked>\n"));
    assert_non_null(strstr(d, "\n   note: <masked>\n"));
    /* Unless asked. */
    r = compare(a, o, n, 10, true);
    assert_non_null(strstr(r.entries[0].diff, "\n-  edit: b2xk\n"));
    assert_non_null(strstr(r.entries[0].diff, "\n+  edit: bmV3\n"));
    /* A Secret that only differs in a value still shows as changed. */
    render n2 = build(a, OBJ, "o.yaml", SECRET("  same: c2FtZQ==\n  gone: Z29uZQ==\n"
                                               "  edit: bmV3\n"));
    r = compare(a, o, n2, 0, false);
    assert_int_equal(r.len, 1);
    assert_string_equal(r.entries[0].diff, "--- Secret s\n+++ Secret s\n@@ -3 +3 @@\n"
                                           "-  edit: <masked old value>\n"
                                           "+  edit: <masked new value>\n");
    pr_arena_free(a);
}

static void test_reports_escape_what_they_embed(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_diff_entry e = {PR_DIFF_CHANGED, "v1", "", "ConfigMap", "ns", "a<b",
                       NULL, "--- x\n+++ x\n@@ -1 +1 @@\n-a: ```\n+a: \"q\\\"\t\"\n"};
    pr_diff_root r = {"env\"s", PR_ROOT_CHANGED, &e, 1, NULL, NULL};
    pr_strbuf out;
    pr_sb_init(&out);
    pr_diff_format_markdown(&r, 1, &out);
    /* A fence longer than the backticks inside, names as HTML. */
    assert_non_null(strstr(out.buf, "````diff\n--- x\n"));
    assert_non_null(strstr(out.buf, "\"\n````\n"));
    assert_non_null(strstr(out.buf, "<code>ConfigMap ns/a&lt;b</code>"));
    pr_sb_reset(&out);
    pr_diff_format_json(&r, 1, &out);
    assert_non_null(strstr(out.buf, "\"root\": \"env\\\"s\""));
    assert_non_null(strstr(out.buf, "+a: \\\"q\\\\\\\"\\t\\\"\\n\""));
    assert_non_null(strstr(out.buf, "\"namespace\": \"ns\", \"name\": \"a<b\", "
                                    "\"old_name\": null"));
    assert_non_null(strstr(out.buf, "\"summary\": {\"added\": 0, \"removed\": 0, "
                                    "\"changed\": 1,"));
    pr_sb_reset(&out);
    pr_diff_format_text(&r, 1, false, &out);
    assert_string_equal(out.buf, "=== env\"s: 0 added, 0 removed, 1 changed\n--- x\n+++ x\n"
                                 "@@ -1 +1 @@\n-a: ```\n+a: \"q\\\"\t\"\n");
    pr_sb_release(&out);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_is_not_part_of_the_identity),
        cmocka_unit_test(test_hash_rename_is_one_change),
        cmocka_unit_test(test_hash_like_names_of_plain_objects_do_not_pair),
        cmocka_unit_test(test_secret_values_are_masked),
        cmocka_unit_test(test_reports_escape_what_they_embed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
