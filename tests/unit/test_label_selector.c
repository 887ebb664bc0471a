/* Unit tests for label selector expressions (pr_label_selector_*). What
 * each selector must match, and the message each malformed one must give,
 * was asked of kubectl kustomize v5.5 through patch targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/label_selector.h"
#include "unit_support.h"

static const char *const labels_yaml =
    "app: web\ntier: frontend\nshard: \"7\"\nrelease: \"\"\nin: \"yes\"\nodd: x7\n";

static void expect(const char *selector, bool want)
{
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    pr_label_selector *sel = pr_label_selector_parse(a, selector, &err);
    if (!sel)
        fail_msg("%s: %s", selector, pr_error_text(&err));
    bool got = pr_label_selector_matches(sel, ut_parse(a, labels_yaml));
    if (got != want)
        fail_msg("%s: %s", selector, got ? "matched" : "did not match");
    pr_error_release(&err);
    pr_arena_free(a);
}

static void rejects(const char *selector, const char *message)
{
    pr_arena *a = pr_arena_new();
    pr_error err;
    pr_error_init(&err);
    if (pr_label_selector_parse(a, selector, &err))
        fail_msg("%s was accepted", selector);
    if (strcmp(pr_error_text(&err), message) != 0)
        fail_msg("%s:\n got '%s'\nwant '%s'", selector, pr_error_text(&err), message);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_equality_and_existence(void **state)
{
    (void)state;
    expect("", true);
    expect("   ", true);
    expect("app=web", true);
    expect("app==web", true);
    expect(" app = web , tier ", true);
    expect("app=api", false);
    expect("app!=api", true);
    expect("missing!=x", true);
    expect("release=", true);
    expect("release!=", false);
    expect("tier,!missing", true);
    expect("!tier", false);
    expect("missing", false);
}

static void test_sets_and_keywords(void **state)
{
    (void)state;
    expect("app in (api, web)", true);
    expect("app in (api)", false);
    expect("missing in (x)", false);
    expect("app notin (api)", true);
    expect("missing notin (x)", true);
    expect("app notin (web,api)", false);
    /* An empty set, or an empty place between commas, holds the empty value. */
    expect("release in ()", true);
    expect("app in ()", false);
    expect("release in (x,,y)", true);
    expect("release in (x,)", true);
    /* "in" and "notin" are words where a key or value is expected. */
    expect("in=yes", true);
    expect("in in (yes)", true);
    expect("app in (in, web)", true);
}

static void test_integer_comparisons(void **state)
{
    (void)state;
    expect("shard>5", true);
    expect("shard > 7", false);
    expect("shard<10", true);
    expect("shard<7", false);
    /* A label value that is not an integer never compares. */
    expect("odd>0", false);
    expect("odd<100", false);
    expect("missing>0", false);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    rejects("a b", "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'");
    rejects("app = x y", "found 'y', expected: ',' or 'end of string'");
    rejects("app=x,", "found '', expected: identifier after ','");
    rejects(",", "found ',', expected: !, identifier, or 'end of string'");
    rejects("!", "unable to parse requirement: found '', expected: identifier");
    rejects("!app=x", "found '=', expected: ',' or 'end of string'");
    rejects("app in x", "unable to parse requirement: found 'x' expected: '('");
    rejects("app in (x", "unable to parse requirement: found '', expected: ',' or ')'");
    rejects("app in )", "unable to parse requirement: found ')' expected: '('");
    rejects("app=(x)", "unable to parse requirement: found '(', expected: identifier");
    rejects("app>=5", "unable to parse requirement: found '=', expected: identifier");
}

static void test_invalid_keys_and_values(void **state)
{
    (void)state;
    rejects("n > x", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
    rejects("n > 99999999999999999999",
            "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer");
    rejects("/x=1", "unable to parse requirement: invalid label key \"/x\": prefix part must be non-empty");
    rejects("x/=1",
            "unable to parse requirement: invalid label key \"x/\": name part must be non-empty; "
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
            "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    rejects("Example.com/x=1",
            "unable to parse requirement: invalid label key \"Example.com/x\": prefix part a "
            "DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            "and must start and end with an alphanumeric character (e.g. 'example.com', regex "
            "used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    /* Values are checked in sorted order: "-aad" sorts before "-bad". */
    rejects("app in (y,-bad,-aad)",
            "unable to parse requirement: invalid label value: \"-aad\": at key: \"app\": a valid "
            "label must be an empty string or consist of alphanumeric characters, '-', '_' or "
            "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
            "'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    expect("a.b.c/d-e_f.g=1", false);
    expect("app=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equality_and_existence),
        cmocka_unit_test(test_sets_and_keywords),
        cmocka_unit_test(test_integer_comparisons),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_invalid_keys_and_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
