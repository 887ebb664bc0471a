/*
 * Unit tests for the delimiter/index arithmetic of replacements
 * (pr_delimited_part, pr_delimited_splice). The expected values are
 * kustomize v5.5.0's, as the golden cases replacements-*-delimiter-* show
 * them through kubectl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pleo/replacement.h"

static void part_picks_by_index(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    assert_string_equal(pr_delimited_part(a, "registry/app:1.2", "/", 0), "registry");
    assert_string_equal(pr_delimited_part(a, "registry/app:1.2", "/", 1), "app:1.2");
    assert_string_equal(pr_delimited_part(a, "a--b--c", "--", 2), "c");
    /* an empty first part when the value starts with the delimiter */
    assert_string_equal(pr_delimited_part(a, "/srv/app", "/", 0), "");
    /* no delimiter in the value: one part, the whole value */
    assert_string_equal(pr_delimited_part(a, "plain", ".", 0), "plain");
    pr_arena_free(a);
}

static void part_out_of_bounds_is_null(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    assert_null(pr_delimited_part(a, "a.b", ".", 2));
    assert_null(pr_delimited_part(a, "a.b", ".", -1));
    assert_null(pr_delimited_part(a, "a.b", ".", 1LL << 40));
    pr_arena_free(a);
}

static void splice_replaces_a_part(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    assert_string_equal(pr_delimited_splice(a, "img:old", ":", 1, "new"), "img:new");
    assert_string_equal(pr_delimited_splice(a, "img:old", ":", 0, "other"), "other:old");
    assert_string_equal(pr_delimited_splice(a, "/srv/app/current", "/", 0, "x"), "x/srv/app/current");
    assert_string_equal(pr_delimited_splice(a, "a::b", "::", 1, "c"), "a::c");
    pr_arena_free(a);
}

static void splice_negative_index_prepends(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    assert_string_equal(pr_delimited_splice(a, "/srv/app/current", "/", -1, "v2.7.0"),
                        "v2.7.0//srv/app/current");
    assert_string_equal(pr_delimited_splice(a, "b.c", ".", -5, "a"), "a.b.c");
    pr_arena_free(a);
}

static void splice_past_the_end_appends(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    assert_string_equal(pr_delimited_splice(a, "a.b", ".", 2, "c"), "a.b.c");
    assert_string_equal(pr_delimited_splice(a, "a.b", ".", 99, "c"), "a.b.c");
    /* an empty target is one empty part, so appending keeps a delimiter */
    assert_string_equal(pr_delimited_splice(a, "", ".", 1, "x"), ".x");
    assert_string_equal(pr_delimited_splice(a, "", ".", 0, "x"), "x");
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(part_picks_by_index),
        cmocka_unit_test(part_out_of_bounds_is_null),
        cmocka_unit_test(splice_replaces_a_part),
        cmocka_unit_test(splice_negative_index_prepends),
        cmocka_unit_test(splice_past_the_end_appends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
