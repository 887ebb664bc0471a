/* Unit tests for JSON 6902 patches over pr_node trees. Expected documents
 * follow what kubectl kustomize produces for the same operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/json6902.h"
#include "pleo/yaml.h"
#include "unit_support.h"

/* Applies `ops` to `doc`; on success compares with `want`, on failure
 * checks that the message contains `want`. */
static void check(const char *doc, const char *ops, bool ok, const char *want)
{
    pr_arena *a = pr_arena_new();
    pr_node *d = ut_parse(a, doc);
    pr_error err;
    pr_error_init(&err);
    bool result = pr_json6902_apply(a, d, ut_parse(a, ops), false, &err);
    if (result != ok)
        fail_msg("expected %s, got %s (%s)", ok ? "success" : "failure",
                 result ? "success" : "failure", pr_error_text(&err));
    if (ok) {
        ut_assert_emits(d, want);
    } else if (!strstr(pr_error_text(&err), want)) {
        fail_msg("'%s' lacks '%s'", pr_error_text(&err), want);
    }
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_add(void **state)
{
    (void)state;
    check("a: {x: 1}\nl: [1, 2]\n",
          "- {op: add, path: /a/y, value: {z: true}}\n"
          "- {op: add, path: /l/0, value: 0}\n"
          "- {op: add, path: /l/-, value: 3}\n",
          true, "a:\n  x: 1\n  \"y\":\n    z: true\nl:\n- 0\n- 1\n- 2\n- 3\n");
    check("a: {x: 1}\n", "- {op: add, path: /a/x, value: 2}\n", true, "a:\n  x: 2\n");
    check("a: {}\n", "- {op: add, path: /nope/x, value: 1}\n", false,
          "add operation does not apply: doc is missing path: \"/nope/x\"");
    check("l: [1]\n", "- {op: add, path: /l/5, value: 1}\n", false, "index out of bounds");
}

static void test_remove(void **state)
{
    (void)state;
    check("a: {x: 1, y: 2}\nl: [1, 2, 3]\n",
          "- {op: remove, path: /a/x}\n- {op: remove, path: /l/1}\n", true,
          "a:\n  \"y\": 2\nl:\n- 1\n- 3\n");
    check("a: {}\n", "- {op: remove, path: /a/missing}\n", false,
          "remove operation does not apply");
}

static void test_replace(void **state)
{
    (void)state;
    check("spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0}}}\n",
          "- op: replace\n  path: /spec/strategy\n  value:\n    type: Recreate\n", true,
          "spec:\n  strategy:\n    type: Recreate\n");
    /* As in kustomize, replacing a missing key of an existing mapping adds it. */
    check("data: {a: b}\n", "- {op: replace, path: /data/missing, value: x}\n", true,
          "data:\n  a: b\n  missing: x\n");
    check("data: {a: b}\n", "- {op: replace, path: /nodata/missing, value: x}\n", false,
          "doc is missing path: /nodata/missing");
}

static void test_move_and_copy(void **state)
{
    (void)state;
    check("a: {x: [1]}\n", "- {op: copy, from: /a/x, path: /b}\n", true,
          "a:\n  x:\n  - 1\nb:\n- 1\n");
    check("a: {x: 1}\n", "- {op: move, from: /a/x, path: /b}\n", true, "a: {}\nb: 1\n");
    check("a: {}\n", "- {op: move, from: /a/zz, path: /b}\n", false, "/a/zz");
}

static void test_test_op(void **state)
{
    (void)state;
    check("a: {x: 5}\n", "- {op: test, path: /a/x, value: 5}\n", true, "a:\n  x: 5\n");
    check("a: {x: 5}\n", "- {op: test, path: /a/x, value: \"5\"}\n", false,
          "testing value /a/x failed");
}

static void test_pointer_escapes(void **state)
{
    (void)state;
    check("metadata: {annotations: {a.io/b: x, c~d: y}}\n",
          "- {op: replace, path: /metadata/annotations/a.io~1b, value: z}\n"
          "- {op: remove, path: /metadata/annotations/c~0d}\n",
          true, "metadata:\n  annotations:\n    a.io/b: z\n");
    check("a: 1\n", "- {op: add, path: /a~2, value: 1}\n", false, "invalid '~' escape");
}

static void test_values_are_copied_not_shared(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_node *d = ut_parse(a, "a: 1\n");
    pr_node *ops = ut_parse(a, "- {op: add, path: /b, value: {c: 1}}\n- {op: add, path: /d, value: {c: 1}}\n");
    assert_true(pr_json6902_apply(a, d, ops, false, NULL));
    pr_node *b = pr_map_get(d, "b");
    pr_map_set_str(a, b, "c", "changed");
    assert_string_equal(pr_map_get_str(pr_map_get(d, "d"), "c"), "1");
    pr_arena_free(a);
}

static void test_malformed_operations(void **state)
{
    (void)state;
    check("a: 1\n", "- {path: /a}\n", false, "no 'op'");
    /* The library kustomize uses reads a missing value as null... */
    check("a: 1\n", "- {op: add, path: /b}\n", true, "a: 1\nb: null\n");
    check("a: 1\n", "- {op: replace, path: /a}\n", true, "a: null\n");
    check("a: 1\n", "- {op: test, path: /b}\n", false, "has no 'value'");
    /* ...and a null value as a missing one. */
    check("a: null\n", "- {op: test, path: /a, value: null}\n", true, "a: null\n");
    check("a: 1\n", "- {op: test, path: /a}\n", false, "has no 'value'");
    check("a: 1\n", "- {op: test, path: /b, value: 1}\n", false, "test failed");
    check("a: 1\n", "- {op: frobnicate, path: /a}\n", false, "unexpected kind of operation");
    check("a: 1\n", "- {op: add, path: b, value: 1}\n", false, "must start with '/'");
}

/* Indices are read with Go's strconv.Atoi (sign and leading zeros allowed)
 * and negative ones count back from the end, as in the library kustomize
 * uses; each expectation was checked with kubectl kustomize. */
static void test_array_indices_as_go_reads_them(void **state)
{
    (void)state;
    check("a: [x, y, z]\n", "- {op: remove, path: /a/-1}\n", true, "a:\n- x\n- \"y\"\n");
    check("a: [x, y, z]\n", "- {op: remove, path: /a/01}\n", true, "a:\n- x\n- z\n");
    check("a: [x, y, z]\n", "- {op: remove, path: /a/+1}\n", true, "a:\n- x\n- z\n");
    check("a: [x, y, z]\n", "- {op: remove, path: /a/-0}\n", true, "a:\n- \"y\"\n- z\n");
    check("a: [x, y, z]\n", "- {op: remove, path: /a/-4}\n", false, "missing path");
    check("a: [x, y]\n", "- {op: replace, path: /a/-2, value: q}\n", true, "a:\n- q\n- \"y\"\n");
    /* add has one more position: -1 appends, -(len+1) prepends. */
    check("a: [x, y]\n", "- {op: add, path: /a/-1, value: q}\n", true, "a:\n- x\n- \"y\"\n- q\n");
    check("a: [x, y]\n", "- {op: add, path: /a/-3, value: q}\n", true, "a:\n- q\n- x\n- \"y\"\n");
    check("a: [x, y]\n", "- {op: add, path: /a/-4, value: q}\n", false, "index out of bounds");
    check("a: [{v: x}, {v: y}]\n", "- {op: replace, path: /a/-1/v, value: q}\n", true,
          "a:\n- v: x\n- v: q\n");
    check("a: [x]\n", "- {op: remove, path: /a/99999999999999999999}\n", false, "missing path");
}

/* Copying a missing key of an existing mapping copies null; a missing
 * parent is an error. */
static void test_copy_from_missing_key(void **state)
{
    (void)state;
    check("a: {}\n", "- {op: copy, from: /a/b, path: /c}\n", true, "a: {}\nc: null\n");
    check("a: {}\n", "- {op: copy, from: /x/b, path: /c}\n", false, "missing from path");
    check("a: {}\n", "- {op: move, from: /a/b, path: /c}\n", false, "missing from path");
}

static void test_doubling_copies_are_bounded(void **state)
{
    (void)state;
    /* 40 copies of the whole document into itself would need 2^40 nodes. */
    char ops[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(ops, "- {op: copy, from: /a, path: /a/-}\n");
    check("a: [x]\n", ops, false, "copy operations copy more than 1000000 nodes");
    check("a: [x]\n", "- {op: copy, from: /a, path: /a/-}\n- {op: copy, from: /a, path: /b}\n",
          true, "a:\n- x\n- - x\nb:\n- x\n- - x\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_move_and_copy),
        cmocka_unit_test(test_test_op),
        cmocka_unit_test(test_pointer_escapes),
        cmocka_unit_test(test_values_are_copied_not_shared),
        cmocka_unit_test(test_malformed_operations),
        cmocka_unit_test(test_array_indices_as_go_reads_them),
        cmocka_unit_test(test_copy_from_missing_key),
        cmocka_unit_test(test_doubling_copies_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
