/* Unit tests for the YAML core: parsing into pr_node (tags, marks, errors)
 * and emitting exactly as kustomize prints (quoting, numbers, key order). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/yaml.h"

/* Parses one document and emits it again. */
static char *roundtrip(const char *in)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    bool ok = pr_yaml_parse(a, "t.yaml", in, strlen(in), &docs, &err);
    if (!ok)
        fail_msg("parse failed: %s", pr_error_text(&err));
    assert_int_equal(docs.len, 1);
    pr_strbuf out;
    pr_sb_init(&out);
    assert_true(pr_yaml_emit(docs.docs[0], &out, &err));
    pr_error_release(&err);
    pr_arena_free(a);
    return pr_sb_detach(&out, NULL);
}

static void assert_roundtrip(const char *in, const char *want)
{
    char *got = roundtrip(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_keys_sorted_and_sequences_indentless(void **state)
{
    (void)state;
    assert_roundtrip("b: 1\na: [x, y]\nc: {z: 1}\n",
                     "a:\n- x\n- \"y\"\nb: 1\nc:\n  z: 1\n");
}

static void test_strings_that_look_like_other_types_are_quoted(void **state)
{
    (void)state;
    assert_roundtrip("a: \"yes\"\nb: \"5\"\nc: \"null\"\nd: \"on\"\ne: \"1.5\"\n"
                     "f: \"2001-12-14\"\ng: \"\"\nh: \"1:20\"\n",
                     "a: \"yes\"\nb: \"5\"\nc: \"null\"\nd: \"on\"\ne: \"1.5\"\n"
                     "f: \"2001-12-14\"\ng: \"\"\nh: \"1:20\"\n");
}

static void test_yaml11_words_read_as_strings_but_written_quoted(void **state)
{
    (void)state;
    /* kustomize reads YAML 1.2 (yes is a string) but writes for YAML 1.1 readers. */
    assert_roundtrip("on: on\ny: y\nn: ~\n", "\"n\": null\n\"on\": \"on\"\n\"y\": \"y\"\n");
}

static void test_numbers_take_their_json_form(void **state)
{
    (void)state;
    assert_roundtrip("f: 1.0\ne: 1e3\nh: 0x1F\no: 0o17\nbig: 1234567.5\nsmall: 0.00001\n",
                     "big: 1.2345675e+06\ne: 1000\nf: 1\nh: 31\no: 15\nsmall: 1e-05\n");
}

static void test_timestamps_become_rfc3339_strings(void **state)
{
    (void)state;
    assert_roundtrip("t: 2001-12-14\n", "t: \"2001-12-14T00:00:00Z\"\n");
}

static void test_explicit_str_tag_keeps_a_string(void **state)
{
    (void)state;
    assert_roundtrip("a: !!str 5\n", "a: \"5\"\n");
}

static void test_leading_and_trailing_spaces_use_single_quotes(void **state)
{
    (void)state;
    assert_roundtrip("trail: \"a  \"\nc: \"  lead\"\n", "c: '  lead'\ntrail: 'a  '\n");
}

static void test_multiline_strings_use_block_literals(void **state)
{
    (void)state;
    assert_roundtrip("d: \"x\\ny\\n\"\ne: \"x\\ny\"\n", "d: |\n  x\n  y\ne: |-\n  x\n  y\n");
}

static void test_long_plain_strings_fold_at_80_columns(void **state)
{
    (void)state;
    char in[400], want[400];
    const char *words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do "
                        "eiusmod tempor incididunt ut labore";
    snprintf(in, sizeof in, "k: %s\n", words);
    /* libyaml breaks at the first space past column 80, as go-yaml does. */
    snprintf(want, sizeof want, "k: lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt\n"
                                "  ut labore\n");
    assert_roundtrip(in, want);
}

static void test_empty_collections_use_flow_style(void **state)
{
    (void)state;
    assert_roundtrip("a: {}\nb: []\nc:\n", "a: {}\nb: []\nc: null\n");
}

static void test_key_order_is_go_yaml_natural_order(void **state)
{
    (void)state;
    assert_true(pr_key_compare("a2", 2, "a10", 3) < 0);
    assert_true(pr_key_compare("B", 1, "a", 1) < 0);
    assert_true(pr_key_compare("a", 1, "ab", 2) < 0);
    assert_true(pr_key_compare("-x", 2, "ax", 2) < 0); /* non-letters first */
    assert_int_equal(pr_key_compare("same", 4, "same", 4), 0);
}

static void test_plain_resolution(void **state)
{
    (void)state;
    assert_int_equal(pr_resolve_plain("5", 1), PR_TAG_INT);
    assert_int_equal(pr_resolve_plain("-0x1F", 5), PR_TAG_INT);
    assert_int_equal(pr_resolve_plain("1_000", 5), PR_TAG_INT);
    assert_int_equal(pr_resolve_plain("1.5e3", 5), PR_TAG_FLOAT);
    assert_int_equal(pr_resolve_plain(".inf", 4), PR_TAG_FLOAT);
    assert_int_equal(pr_resolve_plain("yes", 3), PR_TAG_STR);
    assert_int_equal(pr_resolve_plain("True", 4), PR_TAG_BOOL);
    assert_int_equal(pr_resolve_plain("~", 1), PR_TAG_NULL);
    assert_int_equal(pr_resolve_plain("2001-12-14 21:59:43.10", 22), PR_TAG_TIMESTAMP);
    assert_int_equal(pr_resolve_plain("2001-13-14", 10), PR_TAG_STR);
    assert_int_equal(pr_resolve_plain("1e400", 5), PR_TAG_STR);
    assert_true(pr_plain_is_nonstring_v2("yes", 3));
    assert_true(pr_plain_is_nonstring_v2("1:20", 4));
    assert_false(pr_plain_is_nonstring_v2("hello", 5));
}

static void expect_parse_error(const char *in, const char *needle)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_yaml_parse(a, "bad.yaml", in, strlen(in), &docs, &err));
    if (!strstr(pr_error_text(&err), needle))
        fail_msg("error '%s' lacks '%s'", pr_error_text(&err), needle);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_errors_name_file_line_and_column(void **state)
{
    (void)state;
    expect_parse_error("a: 1\nb: [\n", "bad.yaml:3:1:");
    expect_parse_error("a: 1\na: 2\n", "bad.yaml:2:1: mapping key \"a\" already defined at line 1");
    expect_parse_error("a: *nope\n", "unknown anchor");
}

static void test_alias_bomb_is_rejected(void **state)
{
    (void)state;
    pr_strbuf in;
    pr_sb_init(&in);
    pr_sb_adds(&in, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++)
        pr_sb_addf(&in, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                   i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    expect_parse_error(in.buf, "alias expansion");
    pr_sb_release(&in);
}

static void test_documents_and_marks(void **state)
{
    (void)state;
    const char *in = "# c\n---\na: 1\n---\n---\nb:\n  c: x\n";
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_yaml_parse(a, "m.yaml", in, strlen(in), &docs, &err));
    assert_int_equal(docs.len, 3);
    assert_non_null(docs.docs[0]);
    assert_null(docs.docs[1]);
    const pr_node *c = pr_map_get(pr_map_get(docs.docs[2], "b"), "c");
    assert_string_equal(pr_scalar_text(c), "x");
    assert_int_equal(c->mark.line, 7);
    assert_int_equal(c->mark.col, 6);
    pr_error_release(&err);
    pr_arena_free(a);
}

/* Mappings small and large (a large one is looked up through its index
 * while it is read), nested in each other and in sequences: every entry
 * and item lands in its own collection, in order, sized to fit. */
static void test_collections_of_every_size_are_read_whole(void **state)
{
    (void)state;
    pr_strbuf in;
    pr_sb_init(&in);
    for (int i = 0; i < 40; i++) {
        pr_sb_addf(&in, "k%d:\n", i);
        for (int j = 0; j < i; j++)
            pr_sb_addf(&in, "  n%d: [%d, {x%d: %d}]\n", j, j, j, i);
        if (i == 0)
            pr_sb_adds(&in, "  []\n");
    }
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_yaml_parse(a, "big.yaml", in.buf, in.len, &docs, &err));
    const pr_node *root = docs.docs[0];
    assert_int_equal(root->map.len, 40);
    for (int i = 0; i < 40; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(pr_map_index(root, key), i);
        const pr_node *m = pr_map_get(root, key);
        if (i == 0) {
            assert_int_equal(m->kind, PR_SEQ);
            assert_int_equal(m->seq.len, 0);
            continue;
        }
        assert_int_equal(m->map.len, i);
        if (i < 16) /* unindexed: the node holds its capacity */
            assert_int_equal(m->map.cap, i);
        for (int j = 0; j < i; j++) {
            snprintf(key, sizeof key, "n%d", j);
            const pr_node *seq = pr_map_get(m, key);
            assert_int_equal(seq->seq.len, 2);
            assert_int_equal(seq->seq.cap, 2);
            assert_int_equal(atoi(pr_scalar_text(seq->seq.items[0])), j);
            snprintf(key, sizeof key, "x%d", j);
            assert_int_equal(atoi(pr_map_get_str(seq->seq.items[1], key)), i);
            assert_int_equal(seq->seq.items[1]->map.len, 1);
        }
    }
    pr_sb_release(&in);
    pr_error_release(&err);
    pr_arena_free(a);
}

/* A repeated key is found among the first entries and after many. */
static void test_repeated_keys_are_found_in_any_mapping(void **state)
{
    (void)state;
    expect_parse_error("m:\n  a: 1\n  b: 2\n  a: 3\n",
                       "bad.yaml:4:3: mapping key \"a\" already defined at line 2");
    pr_strbuf in;
    pr_sb_init(&in);
    for (int i = 0; i < 30; i++)
        pr_sb_addf(&in, "k%d: %d\n", i, i);
    pr_sb_adds(&in, "k3: again\n");
    expect_parse_error(in.buf, "bad.yaml:31:1: mapping key \"k3\" already defined at line 4");
    /* Where the last one wins (kustomization files), in both. */
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    pr_sb_adds(&in, "small: {a: 1, a: 2}\n");
    assert_true(pr_yaml_parse_with(a, "k.yaml", in.buf, in.len, PR_YAML_LAST_KEY_WINS, &docs,
                                   &err));
    assert_string_equal(pr_map_get_str(docs.docs[0], "k3"), "again");
    assert_int_equal(docs.docs[0]->map.len, 31);
    assert_string_equal(pr_map_get_str(pr_map_get(docs.docs[0], "small"), "a"), "2");
    pr_sb_release(&in);
    pr_error_release(&err);
    pr_arena_free(a);
}

/* An alias inside the collection it names: kustomize overflows its stack
 * on it; this reports it. */
static void test_alias_to_an_enclosing_collection_is_rejected(void **state)
{
    (void)state;
    expect_parse_error("data: &a\n  k: v\n  self: *a\n", "anchor 'a' value contains itself");
    expect_parse_error("- &s [1, [2, *s]]\n", "anchor 's' value contains itself");
    assert_roundtrip("a: &a {k: v}\nb: *a\n", "a:\n  k: v\nb:\n  k: v\n");
}

static void test_merge_keys_are_applied(void **state)
{
    (void)state;
    assert_roundtrip("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
                     "base:\n  x: 1\n  \"y\": 2\nd:\n  x: 1\n  \"y\": 3\n");
}

static void test_node_helpers(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_node *m = pr_node_map(a);
    pr_map_set_str(a, m, "k", "v");
    pr_map_set_str(a, m, "k", "w");
    assert_int_equal(m->map.len, 1);
    assert_string_equal(pr_map_get_str(m, "k"), "w");
    pr_node *inner = pr_map_ensure_map(a, m, "inner");
    assert_non_null(inner);
    assert_null(pr_map_ensure_map(a, m, "k")); /* a scalar is not replaced */
    pr_node *copy = pr_node_copy(a, m);
    assert_true(pr_node_equal(m, copy));
    pr_map_set_str(a, copy, "k", "z");
    assert_false(pr_node_equal(m, copy));
    assert_true(pr_map_remove(copy, "k"));
    assert_false(pr_map_remove(copy, "k"));
    pr_node *s = pr_node_seq(a);
    pr_seq_append(a, s, pr_node_str(a, "b"));
    pr_seq_insert(a, s, 0, pr_node_str(a, "a"));
    pr_seq_remove(s, 1);
    assert_int_equal(s->seq.len, 1);
    assert_string_equal(pr_scalar_text(s->seq.items[0]), "a");
    pr_arena_free(a);
}

static void test_block_scalars_read_as_go_yaml_reads_them(void **state)
{
    (void)state;
    /* Folded scalars take go-yaml v3's lossy emit-and-reread. */
    assert_roundtrip("v: >+\n  a\n\n", "v: |+\n  a\n\n\n");
    assert_roundtrip("v: >\n  a\n   b\n  c\n", "v: |\n  a\n\n   b\n  c\n");
    assert_roundtrip("v: >\n  a b\n  c\n", "v: |\n  a b c\n");
    /* Keep-chomped trailing lines followed only by comments gain a line. */
    assert_roundtrip("v: |+\n  a\n\n# c\n", "v: |+\n  a\n\n\n");
    assert_roundtrip("v: |+\n  a\n\n# c\nw: 1\n", "v: |+\n  a\n\nw: 1\n");
    /* go-yaml v3 writes a value holding tabs folded (libyaml would quote
     * it), so a line starting with a tab gains an empty line too... */
    assert_roundtrip("v: >-\n  a\n  \tx\n  b\n", "v: \"a\\n\\n\\tx\\nb\"\n");
    /* ...unless the value cannot be a block scalar (a trailing space). */
    assert_roundtrip("v: >-\n  a\n  \tx\n  b \n", "v: \"a\\n\\tx\\nb \"\n");
}

static void test_timestamps_in_flow_collections_keep_their_text(void **state)
{
    (void)state;
    /* go-yaml v3 quotes a value holding ':' inside a flow collection, so
     * kustomize reads such a timestamp back as text */
    assert_roundtrip("a: {t: 2001-12-14t21:59:43.10-05:00, d: 2002-12-14}\n"
                     "b:\n  t: 2001-12-14t21:59:43.10-05:00\n"
                     "c: [{t: 2001-12-14 21:59:43.10}]\n"
                     "e: {t: !!timestamp 2001-12-14t21:59:43.10-05:00}\n",
                     "a:\n  d: \"2002-12-14T00:00:00Z\"\n  t: \"2001-12-14t21:59:43.10-05:00\"\n"
                     "b:\n  t: \"2001-12-14T21:59:43.1-05:00\"\n"
                     "c:\n- t: \"2001-12-14 21:59:43.10\"\n"
                     "e:\n  t: \"2001-12-14T21:59:43.1-05:00\"\n");
}

/* The first document's value of `v` as pr_yaml_parse_with reads it. */
static const char *value_with(pr_arena *a, const char *in, int flags)
{
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    if (!pr_yaml_parse_with(a, "t.yaml", in, strlen(in), flags, &docs, &err))
        fail_msg("parse failed: %s", pr_error_text(&err));
    pr_error_release(&err);
    return pr_scalar_text(pr_map_get(docs.docs[0], "v"));
}

static void test_block_scalars_read_as_sigs_yaml_reads_them(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    const char *more_indented = "v: >-\n  first\n  second\n    indented\n  last\n";
    assert_string_equal(value_with(a, more_indented, PR_YAML_SIGS_YAML),
                        "first second\n  indented\nlast");
    assert_string_equal(value_with(a, more_indented, 0),
                        "first second\n\n  indented\nlast");
    const char *kept = "v: |+\n  a\n\n# c\n";
    assert_string_equal(value_with(a, kept, PR_YAML_SIGS_YAML), "a\n\n");
    assert_string_equal(value_with(a, kept, 0), "a\n\n\n");
    const char *tabs = "v: >\n  a\n  \tx\n";
    assert_string_equal(value_with(a, tabs, PR_YAML_SIGS_YAML), "a\n\tx\n");
    assert_string_equal(value_with(a, tabs, 0), "a\n\n\tx\n");
    pr_arena_free(a);
}

static void expect_json_error(const char *in, const char *needle)
{
    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_yaml_parse(a, "obj.yaml", in, strlen(in), &docs, &err));
    assert_false(pr_yaml_check_json(docs.docs[0], "obj.yaml", &err));
    if (!strstr(pr_error_text(&err), needle))
        fail_msg("error '%s' lacks '%s'", pr_error_text(&err), needle);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_what_json_cannot_hold_is_rejected(void **state)
{
    (void)state;
    expect_json_error("a:\n  1: x\n", "obj.yaml:2:3: mapping key 1 is not a string");
    expect_json_error("a: [{true: x}]\n", "obj.yaml:1:6: mapping key true");
    expect_json_error("a: -.Inf\n", "obj.yaml:1:4: kustomize cannot convert infinity");
    expect_json_error("a: \"x\\x7f\"\n", "obj.yaml:1:4: control characters");
    expect_json_error("a: \"\\u0086\"\n", "control characters");
    expect_json_error("a: \"\\uFFFE\"\n", "control characters");
    expect_json_error("\"a\\u0085\": x\n", "obj.yaml:1:1: a mapping key containing NEL");
    expect_json_error("a: \"x\\u0085--- y\"\n", "obj.yaml:1:4: \"---\" or \"...\" after a NEL");
    expect_json_error("a: \"x\\u0085...\\u0085\"\n", "after a NEL");

    pr_arena *a = pr_arena_new();
    pr_doclist docs = {0};
    const char *fine = "\"1\": x\nb: \"\\u0085\"\nc: 1.5\nd: \".inf\"\n"
                       "e: \"x\\u0085---\"\nf: \"x\\u0085--x\"\n";
    assert_true(pr_yaml_parse(a, "obj.yaml", fine, strlen(fine), &docs, NULL));
    assert_true(pr_yaml_check_json(docs.docs[0], "obj.yaml", NULL));
    pr_arena_free(a);
}

static void test_syntax_go_yaml_refuses_is_rejected(void **state)
{
    (void)state;
    expect_parse_error("a: 1\n---\n%YAML 1.1\n---\nb: 2\n", "bad.yaml:3:1: %YAML and %TAG");
    expect_parse_error("a: \"x\\/y\"\n", "bad.yaml:1:4: found unknown escape character \\/");
    assert_roundtrip("a: \"x\\\\/y\"\n", "a: x\\/y\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_sorted_and_sequences_indentless),
        cmocka_unit_test(test_strings_that_look_like_other_types_are_quoted),
        cmocka_unit_test(test_yaml11_words_read_as_strings_but_written_quoted),
        cmocka_unit_test(test_numbers_take_their_json_form),
        cmocka_unit_test(test_timestamps_become_rfc3339_strings),
        cmocka_unit_test(test_explicit_str_tag_keeps_a_string),
        cmocka_unit_test(test_leading_and_trailing_spaces_use_single_quotes),
        cmocka_unit_test(test_multiline_strings_use_block_literals),
        cmocka_unit_test(test_long_plain_strings_fold_at_80_columns),
        cmocka_unit_test(test_empty_collections_use_flow_style),
        cmocka_unit_test(test_key_order_is_go_yaml_natural_order),
        cmocka_unit_test(test_plain_resolution),
        cmocka_unit_test(test_errors_name_file_line_and_column),
        cmocka_unit_test(test_alias_bomb_is_rejected),
        cmocka_unit_test(test_documents_and_marks),
        cmocka_unit_test(test_merge_keys_are_applied),
        cmocka_unit_test(test_collections_of_every_size_are_read_whole),
        cmocka_unit_test(test_repeated_keys_are_found_in_any_mapping),
        cmocka_unit_test(test_alias_to_an_enclosing_collection_is_rejected),
        cmocka_unit_test(test_node_helpers),
        cmocka_unit_test(test_block_scalars_read_as_go_yaml_reads_them),
        cmocka_unit_test(test_block_scalars_read_as_sigs_yaml_reads_them),
        cmocka_unit_test(test_timestamps_in_flow_collections_keep_their_text),
        cmocka_unit_test(test_what_json_cannot_hold_is_rejected),
        cmocka_unit_test(test_syntax_go_yaml_refuses_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
