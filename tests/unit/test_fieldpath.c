/* Unit tests for kyaml field paths: the splitter (escaped dots, brackets
 * holding dots, selectors), PathGetter lookups (indices, `-`, selectors,
 * errors) and the PathMatcher walk (wildcards, regular-expression
 * selectors, creation). Expectations follow kyaml at kustomize v5.5.0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/fieldpath.h"
#include "pleo/yaml.h"
#include "unit_support.h"

/* Splits `text` and checks the segments against the NULL-terminated
 * list that follows. */
static void check_split(const char *text, const char *const *want)
{
    pr_arena *a = pr_arena_new();
    pr_fieldpath p;
    assert_true(pr_fieldpath_parse(a, text, &p, NULL));
    size_t n = 0;
    while (want[n])
        n++;
    if (p.len != n)
        fail_msg("'%s': %zu segments, want %zu", text, p.len, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(p.segs[i], want[i]);
    pr_arena_free(a);
}

#define SPLIT(text, ...) check_split(text, (const char *const[]){__VA_ARGS__, NULL})

static void test_split(void **state)
{
    (void)state;
    SPLIT("metadata.name", "metadata", "name");
    SPLIT(".metadata.name", "metadata", "name");
    SPLIT("", "");
    SPLIT("a..b", "a", "", "b");
    SPLIT("metadata.annotations.a\\.b\\.c", "metadata", "annotations", "a.b.c");
    SPLIT("metadata.annotations.[a.b/c]", "metadata", "annotations", "a.b/c");
    SPLIT("spec.containers.[name=com.foo.app].image", "spec", "containers",
          "[name=com.foo.app]", "image");
    SPLIT("spec.containers.[name=app].image", "spec", "containers", "[name=app]", "image");
    /* A one-piece bracket stays as it is: a selector to the walks. */
    SPLIT("a.[b]", "a", "[b]");
    /* An unclosed bracket takes the rest of the path. */
    SPLIT("a.[b.c", "a", "b.c");
    SPLIT("a.[b=c.d", "a", "[b=c.d");
    SPLIT("a.*.0.-", "a", "*", "0", "-");
}

static const char *doc =
    "metadata:\n"
    "  name: n\n"
    "  annotations:\n"
    "    a.b/c: dotted\n"
    "spec:\n"
    "  nothing: null\n"
    "  containers:\n"
    "  - name: myapp\n"
    "    image: one\n"
    "  - name: app\n"
    "    image: two\n"
    "  args: [x, y, z]\n";

/* Looks `path` up in `doc`; expects the scalar text `want` (NULL: absent,
 * no error) or, when `want_err` is set, an error containing it. */
static void check_lookup(const char *path, const char *want, const char *want_err)
{
    pr_arena *a = pr_arena_new();
    pr_node *obj = ut_parse(a, doc);
    pr_error err;
    pr_error_init(&err);
    pr_node *got = pr_fieldpath_lookup(a, obj, path, &err);
    if (want_err) {
        assert_null(got);
        if (!strstr(pr_error_text(&err), want_err))
            fail_msg("'%s': error '%s' lacks '%s'", path, pr_error_text(&err), want_err);
    } else {
        assert_false(pr_error_isset(&err));
        if (!want)
            assert_null(got);
        else if (!got || got->kind != PR_SCALAR || strcmp(got->scalar.text, want))
            fail_msg("'%s': want '%s'", path, want);
    }
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_lookup(void **state)
{
    (void)state;
    check_lookup("metadata.name", "n", NULL);
    check_lookup(" metadata . name ", "n", NULL);
    check_lookup("metadata..name", "n", NULL);
    check_lookup("metadata.annotations.[a.b/c]", "dotted", NULL);
    check_lookup("metadata.annotations.a\\.b/c", "dotted", NULL);
    check_lookup("spec.containers.1.image", "two", NULL);
    check_lookup("spec.containers.+1.image", "two", NULL);
    check_lookup("spec.containers.2.image", NULL, NULL);
    check_lookup("spec.containers.-.name", "app", NULL);
    /* `vars` paths: kyaml's convertSliceIndex turns x[N] into x.N. */
    check_lookup("spec.containers[1].image", "two", NULL);
    check_lookup("spec.args.[2]", "z", NULL);
    check_lookup("spec.containers[name=app].image", NULL, NULL);
    check_lookup("spec.args.-", "z", NULL);
    /* Lookup selectors compare exactly: `app` does not pick `myapp`. */
    check_lookup("spec.containers.[name=app].image", "two", NULL);
    check_lookup("spec.containers.[name=ap].image", NULL, NULL);
    check_lookup("spec.args.[=y]", "y", NULL);
    check_lookup("spec.missing.deeper", NULL, NULL);
    check_lookup("spec.nothing.deeper", NULL, NULL);
    check_lookup("spec.containers.-1.image", NULL, "cannot be negative");
    check_lookup("spec.containers.*.image", NULL, "wildcard is not supported");
    check_lookup("spec.containers.[name].image", NULL, "fieldName=fieldValue");
    check_lookup("metadata.name.deeper", NULL, "expected MappingNode but got ScalarNode");
    check_lookup("metadata.0", NULL, "expected SequenceNode but got MappingNode");
}

/* The same path with and without kyaml's convertSliceIndex. */
static void test_slice_index_only_for_lookup(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_fieldpath p;
    assert_true(pr_fieldpath_parse(a, "a[0].b[12].c[x].[3]", &p, NULL));
    pr_fieldpath raw = p;
    pr_fieldpath_convert_slice_index(a, &p);
    const char *want[] = {"a", "0", "b", "12", "c[x]", "3"};
    assert_int_equal(p.len, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(p.segs[i], want[i]);
    assert_int_equal(raw.len, 4);
    /* Replacement sources look up the unconverted path: `[1]` there is a
     * list selector lacking '='. */
    pr_node *obj = ut_parse(a, doc);
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_fieldpath_parse(a, "spec.args.[1]", &p, NULL));
    assert_null(pr_fieldpath_get(a, obj, &p, &err));
    assert_non_null(strstr(pr_error_text(&err), "fieldName=fieldValue"));
    pr_error_release(&err);
    pr_arena_free(a);
}

static bool set_x(pr_arena *a, pr_node **slot, bool created, void *ctx, pr_error *err)
{
    (void)err;
    int *counts = ctx;
    counts[0]++;
    counts[1] += created;
    *slot = pr_node_str(a, "X");
    return true;
}

/* Walks `path` over `in`, setting every field reached to X; compares the
 * result, the number of fields visited and of fields created. */
static void check_visit(const char *in, const char *path, pr_fieldpath_create create,
                        const char *want, int want_visits, int want_created)
{
    pr_arena *a = pr_arena_new();
    pr_node *obj = ut_parse(a, in);
    pr_fieldpath p;
    assert_true(pr_fieldpath_parse(a, path, &p, NULL));
    int counts[2] = {0, 0};
    size_t matches = 99;
    pr_error err;
    pr_error_init(&err);
    if (!pr_fieldpath_visit(a, &obj, &p, create, set_x, counts, &matches, &err))
        fail_msg("'%s': %s", path, pr_error_text(&err));
    ut_assert_emits(obj, want);
    assert_int_equal(counts[0], want_visits);
    assert_int_equal(matches, (size_t)want_visits);
    assert_int_equal(counts[1], want_created);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void check_visit_fails(const char *in, const char *path, pr_fieldpath_create create,
                              const char *want_err)
{
    pr_arena *a = pr_arena_new();
    pr_node *obj = ut_parse(a, in);
    pr_fieldpath p;
    assert_true(pr_fieldpath_parse(a, path, &p, NULL));
    int counts[2] = {0, 0};
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_fieldpath_visit(a, &obj, &p, create, set_x, counts, NULL, &err));
    if (!strstr(pr_error_text(&err), want_err))
        fail_msg("'%s': error '%s' lacks '%s'", path, pr_error_text(&err), want_err);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_visit_wildcards_and_selectors(void **state)
{
    (void)state;
    const char *list = "c:\n- name: myapp\n  image: a\n- name: app\n  image: b\n- name: other\n";
    check_visit(list, "c.*.image", PR_FIELDPATH_FIND,
                "c:\n- image: X\n  name: myapp\n- image: X\n  name: app\n- name: other\n", 2, 0);
    /* The matcher's selector value is an unanchored regular expression. */
    check_visit(list, "c.[name=app].image", PR_FIELDPATH_FIND,
                "c:\n- image: X\n  name: myapp\n- image: X\n  name: app\n- name: other\n", 2, 0);
    check_visit(list, "c.[name=^app$].image", PR_FIELDPATH_FIND,
                "c:\n- image: a\n  name: myapp\n- image: X\n  name: app\n- name: other\n", 1, 0);
    check_visit(list, "c.1.image", PR_FIELDPATH_FIND,
                "c:\n- image: a\n  name: myapp\n- image: X\n  name: app\n- name: other\n", 1, 0);
    /* Scalar items: `[=v]` ends the walk at the item. */
    check_visit("a: [x, y]\n", "a.[=y]", PR_FIELDPATH_FIND, "a:\n- x\n- X\n", 1, 0);
    check_visit("a: [x, y]\n", "a.[=y].more", PR_FIELDPATH_FIND, "a:\n- x\n- X\n", 1, 0);
    /* Nothing found is no error here; the caller decides. */
    check_visit("a: b\n", "c.d", PR_FIELDPATH_FIND, "a: b\n", 0, 0);
    check_visit("a: null\n", "a.d", PR_FIELDPATH_FIND, "a: null\n", 0, 0);
    check_visit("a: {b.c: d}\n", "a.[b.c]", PR_FIELDPATH_FIND, "a:\n  b.c: X\n", 1, 0);
    check_visit("a: {b.c: d}\n", "a.b\\.c", PR_FIELDPATH_FIND, "a:\n  b.c: X\n", 1, 0);
}

static void test_visit_creates(void **state)
{
    (void)state;
    check_visit("a: b\n", "c.d", PR_FIELDPATH_CREATE_SCALAR, "a: b\nc:\n  d: X\n", 1, 1);
    check_visit("a: b\n", "a", PR_FIELDPATH_CREATE_SCALAR, "a: X\n", 1, 0);
    check_visit("a: null\n", "a.d", PR_FIELDPATH_CREATE_SCALAR, "a:\n  d: X\n", 1, 1);
    /* A missing list comes before an index or a selector. */
    check_visit("{}\n", "l.0.x", PR_FIELDPATH_CREATE_SCALAR, "l:\n- x: X\n", 1, 1);
    check_visit("l: [a]\n", "l.1", PR_FIELDPATH_CREATE_SCALAR, "l:\n- a\n- X\n", 1, 1);
    check_visit("{}\n", "c.[name=app].image", PR_FIELDPATH_CREATE_SCALAR,
                "c:\n- image: X\n  name: app\n", 1, 1);
    check_visit("c:\n- name: web\n", "c.[name=app].image", PR_FIELDPATH_CREATE_SCALAR,
                "c:\n- name: web\n- image: X\n  name: app\n", 1, 1);
    check_visit("a: [x]\n", "a.[=y]", PR_FIELDPATH_CREATE_SCALAR, "a:\n- x\n- X\n", 1, 0);
    /* The final field takes the kind asked for (then the visitor's value). */
    check_visit("{}\n", "m", PR_FIELDPATH_CREATE_MAP, "m: X\n", 1, 1);
}

static void test_visit_errors(void **state)
{
    (void)state;
    check_visit_fails("a: b\n", "a.c", PR_FIELDPATH_FIND, "expected MappingNode but got ScalarNode");
    check_visit_fails("a: {b: c}\n", "a.*", PR_FIELDPATH_FIND, "expected SequenceNode");
    check_visit_fails("l: [a]\n", "l.3", PR_FIELDPATH_CREATE_SCALAR,
                      "index 3 specified but only 1 elements found");
    check_visit_fails("l: [a]\n", "l.[x]", PR_FIELDPATH_FIND, "fieldName=fieldValue");
    check_visit_fails("l: [a]\n", "l.[x=(]", PR_FIELDPATH_FIND, "error parsing regexp");
    char *deep = calloc(2 * (PR_FIELDPATH_MAX_SEGMENTS + 1), 1);
    for (int i = 0; i <= PR_FIELDPATH_MAX_SEGMENTS; i++)
        strcat(deep, i ? ".a" : "a");
    check_visit_fails("a: b\n", deep, PR_FIELDPATH_CREATE_SCALAR, "more than the 1000");
    free(deep);
}

static void test_atoi(void **state)
{
    (void)state;
    long long v;
    assert_true(pr_fieldpath_atoi("007", &v));
    assert_int_equal(v, 7);
    assert_true(pr_fieldpath_atoi("-3", &v));
    assert_int_equal(v, -3);
    assert_false(pr_fieldpath_atoi("", &v));
    assert_false(pr_fieldpath_atoi("-", &v));
    assert_false(pr_fieldpath_atoi("1_0", &v));
    assert_false(pr_fieldpath_atoi(" 1", &v));
    assert_false(pr_fieldpath_atoi("99999999999999999999", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_slice_index_only_for_lookup),
        cmocka_unit_test(test_visit_wildcards_and_selectors),
        cmocka_unit_test(test_visit_creates),
        cmocka_unit_test(test_visit_errors),
        cmocka_unit_test(test_atoi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
