/* Unit tests for `vars`: the $(NAME) expansion of kustomize's refvar filter
 * and the conversion of a fieldref's node to the value substituted. Each
 * expectation was checked against kubectl kustomize (v5.5.0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kust/pipeline.h"
#include "unit_support.h"

/* Vars for the expansion tests: S a string, N an int, B a bool, F a float;
 * every other name is undefined. Hits are counted as kustomize counts
 * them, to tell used vars from unused ones. */
static pr_var_value v_s = {PR_TAG_STR, "svc", "svc"};
static pr_var_value v_n = {PR_TAG_INT, "42", "42"};
static pr_var_value v_b = {PR_TAG_BOOL, "true", "true"};
static pr_var_value v_f = {PR_TAG_FLOAT, "1000000", "1e+06"};
static int hits;

static const pr_var_value *lookup(const char *name, size_t len, void *ctx)
{
    (void)ctx;
    static const struct {
        const char *name;
        const pr_var_value *v;
    } vars[] = {{"S", &v_s}, {"N", &v_n}, {"B", &v_b}, {"F", &v_f}};
    for (size_t i = 0; i < 4; i++) {
        if (strlen(vars[i].name) == len && !memcmp(vars[i].name, name, len)) {
            hits++;
            return vars[i].v;
        }
    }
    return NULL;
}

/* Expands the string `in` and checks the text and tag that result. */
static void expands(const char *in, const char *want, pr_tag want_tag)
{
    pr_arena *a = pr_arena_new();
    pr_node *n = pr_node_str(a, in);
    pr_vars_expand(a, n, lookup, NULL);
    if (n->scalar.len != strlen(want) || memcmp(n->scalar.text, want, n->scalar.len))
        fail_msg("'%s' expanded to '%s', want '%s'", in, n->scalar.text, want);
    assert_int_equal(n->tag, want_tag);
    pr_arena_free(a);
}

static void test_whole_string_keeps_type(void **state)
{
    (void)state;
    expands("$(S)", "svc", PR_TAG_STR);
    expands("$(N)", "42", PR_TAG_INT);
    expands("$(B)", "true", PR_TAG_BOOL);
    /* FormatFloat 'f': never an exponent */
    expands("$(F)", "1000000", PR_TAG_FLOAT);
}

static void test_embedded_becomes_string(void **state)
{
    (void)state;
    expands("x-$(N)-$(B)", "x-42-true", PR_TAG_STR);
    expands("$(S)$(S)", "svcsvc", PR_TAG_STR);
    /* Go's %v of a float64 */
    expands("f=$(F)", "f=1e+06", PR_TAG_STR);
    expands("$(S):$(N)", "svc:42", PR_TAG_STR);
}

static void test_escapes_and_leftovers(void **state)
{
    (void)state;
    expands("$$(S)", "$(S)", PR_TAG_STR);
    expands("$$$(S)", "$svc", PR_TAG_STR);
    expands("$$", "$", PR_TAG_STR);
    expands("$", "$", PR_TAG_STR);
    expands("a$", "a$", PR_TAG_STR);
    expands("a$b", "a$b", PR_TAG_STR);
    expands("a$(", "a$(", PR_TAG_STR);
    expands("$(S", "$(S", PR_TAG_STR);
    expands("$()", "$()", PR_TAG_STR);
    expands("$(NOPE)", "$(NOPE)", PR_TAG_STR);
    expands("x$(NOPE)y$(S)", "x$(NOPE)ysvc", PR_TAG_STR);
    /* the name runs to the first ')' */
    expands("$(($(S)))", "$(($(S)))", PR_TAG_STR);
    /* Go appends string(byte): a byte past ASCII after '$' is read as
     * the Latin-1 character with that code */
    expands("$\xc3\xa9", "$\xc3\x83\xa9", PR_TAG_STR);
}

static void test_hits_counted(void **state)
{
    (void)state;
    hits = 0;
    expands("$(S) $(NOPE) $$(N) $(B)", "svc $(NOPE) $(N) true", PR_TAG_STR);
    assert_int_equal(hits, 2);
}

/* The value a fieldref reaching the value of `yaml` ("v: ...") gives. */
static int value_of(pr_arena *a, const char *yaml, pr_var_value *out)
{
    pr_node *doc = ut_parse(a, yaml);
    return pr_var_value_from_node(a, pr_map_get(doc, "v"), out);
}

static void converts(const char *yaml, pr_tag tag, const char *whole, const char *embedded)
{
    pr_arena *a = pr_arena_new();
    pr_var_value v;
    assert_int_equal(value_of(a, yaml, &v), 1);
    assert_int_equal(v.tag, tag);
    assert_string_equal(v.whole, whole);
    assert_string_equal(v.embedded, embedded);
    pr_arena_free(a);
}

static void fails_to_convert(const char *yaml, int want)
{
    pr_arena *a = pr_arena_new();
    pr_var_value v;
    assert_int_equal(value_of(a, yaml, &v), want);
    pr_arena_free(a);
}

static void test_values(void **state)
{
    (void)state;
    converts("v: abc", PR_TAG_STR, "abc", "abc");
    converts("v: \"007\"", PR_TAG_STR, "007", "007");
    converts("v: 42", PR_TAG_INT, "42", "42");
    converts("v: -7", PR_TAG_INT, "-7", "-7");
    converts("v: true", PR_TAG_BOOL, "true", "true");
    converts("v: False", PR_TAG_BOOL, "false", "false");
    /* null and timestamps go through as their text */
    converts("v: null", PR_TAG_STR, "null", "null");
    converts("v: ~", PR_TAG_STR, "~", "~");
    converts("v: 2001-12-14", PR_TAG_STR, "2001-12-14", "2001-12-14");
}

static void test_float_formats(void **state)
{
    (void)state;
    converts("v: 1.5e3", PR_TAG_FLOAT, "1500", "1500");
    converts("v: 1e21", PR_TAG_FLOAT, "1000000000000000000000", "1e+21");
    converts("v: 0.000001", PR_TAG_FLOAT, "0.000001", "1e-06");
    converts("v: 0.0001", PR_TAG_FLOAT, "0.0001", "0.0001");
    converts("v: 123456789.0", PR_TAG_FLOAT, "123456789", "1.23456789e+08");
    converts("v: 100000.0", PR_TAG_FLOAT, "100000", "100000");
    converts("v: 0.1", PR_TAG_FLOAT, "0.1", "0.1");
    converts("v: -0.0", PR_TAG_FLOAT, "-0", "-0");
    converts("v: -2.5", PR_TAG_FLOAT, "-2.5", "-2.5");
    /* the int that does not fit becomes a float when read */
    converts("v: 99999999999999999999", PR_TAG_FLOAT, "100000000000000000000", "1e+20");
}

static void test_unconvertible(void **state)
{
    (void)state;
    /* Atoi and ParseFloat refuse what YAML reads as numbers */
    fails_to_convert("v: 0x1F", -1);
    fails_to_convert("v: 0o17", -1);
    fails_to_convert("v: .inf", -1);
    fails_to_convert("v: .nan", -1);
    /* mappings and sequences are no primitives: left unreplaced */
    fails_to_convert("v: [a]", 0);
    fails_to_convert("v: {a: b}", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_string_keeps_type),
        cmocka_unit_test(test_embedded_becomes_string),
        cmocka_unit_test(test_escapes_and_leftovers),
        cmocka_unit_test(test_hits_counted),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_float_formats),
        cmocka_unit_test(test_unconvertible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
