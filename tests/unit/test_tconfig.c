/* Unit tests for transformer configurations: reading files as kustomize's
 * strict JSON decoding does, and merging as TransformerConfig.Merge does.
 * Each expectation was checked against kubectl kustomize (v5.5.0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/tconfig.h"

static pr_tconfig parse_ok(pr_arena *a, const char *text)
{
    pr_tconfig c;
    pr_error err;
    pr_error_init(&err);
    if (!pr_tconfig_parse(a, "c.yaml", text, strlen(text), &c, &err))
        fail_msg("%s", pr_error_text(&err));
    pr_error_release(&err);
    return c;
}

/* Parses `text` and checks that it fails with a message containing `want`. */
static void parse_fails(const char *text, const char *want)
{
    pr_arena *a = pr_arena_new();
    pr_tconfig c;
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_tconfig_parse(a, "c.yaml", text, strlen(text), &c, &err));
    if (!strstr(pr_error_text(&err), want))
        fail_msg("'%s' lacks '%s'", pr_error_text(&err), want);
    pr_error_release(&err);
    pr_arena_free(a);
}

/* `base` merged with `incoming`, failing the test on an error. */
static pr_tconfig merge_ok(pr_arena *a, const pr_tconfig *base, const pr_tconfig *incoming)
{
    pr_tconfig out;
    pr_error err;
    pr_error_init(&err);
    if (!pr_tconfig_merge(a, base, incoming, &out, &err))
        fail_msg("%s", pr_error_text(&err));
    pr_error_release(&err);
    return out;
}

/* The list as "Kind:path" items (kind "*" when empty), comma-separated. */
static const char *describe(pr_arena *a, const pr_fieldspec_list *l)
{
    const char *s = "";
    for (size_t i = 0; i < l->len; i++) {
        const char *kind = l->specs[i].gvk.kind && *l->specs[i].gvk.kind ? l->specs[i].gvk.kind : "*";
        s = pr_sprintf(a, "%s%s%s:%s", s, i ? "," : "", kind, l->specs[i].path);
    }
    return s;
}

static void test_empty_documents_are_empty_configs(void **state)
{
    (void)state;
    const char *texts[] = {"", "# comment\n", "null\n", "{}\n", "namePrefix: null\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        pr_arena *a = pr_arena_new();
        pr_tconfig c = parse_ok(a, texts[i]);
        assert_int_equal(c.name_prefix.len, 0);
        assert_int_equal(c.nameref_len, 0);
        pr_arena_free(a);
    }
}

static void test_keys_match_ignoring_case_and_bools_are_yaml_1_1(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_tconfig c = parse_ok(a, "NamePrefix:\n- KIND: Foo\n  Path: spec/x\n  create: on\n"
                               "nameReference:\n- kind: Secret\n  fieldspecs:\n  - path: spec/s\n"
                               "    create: No\n");
    assert_int_equal(c.name_prefix.len, 1);
    assert_string_equal(c.name_prefix.specs[0].gvk.kind, "Foo");
    assert_string_equal(c.name_prefix.specs[0].path, "spec/x");
    assert_true(c.name_prefix.specs[0].create);
    assert_int_equal(c.nameref_len, 1);
    assert_int_equal(c.nameref[0].referrers.len, 1);
    assert_false(c.nameref[0].referrers.specs[0].create);
    pr_arena_free(a);
}

static void test_only_the_first_document_is_read(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_tconfig c = parse_ok(a, "images:\n- path: spec/image\n---\n[not: yaml\n");
    assert_int_equal(c.images.len, 1);
    pr_arena_free(a);
}

static void test_decoding_errors_read_like_go(void **state)
{
    (void)state;
    parse_fails("images:\n- path: a\n  foo: 1\n", "c.yaml:3:3: json: unknown field \"foo\"");
    /* keys are decoded in sorted order, so "aaa" is met before "images" */
    parse_fails("images:\n- foo: 1\naaa: 1\n", "unknown field \"aaa\"");
    parse_fails("images:\n- path: a\n  create: \"yes\"\n",
                "cannot unmarshal string into Go struct field FieldSpec.images.create of type bool");
    parse_fails("images:\n  path: a\n",
                "cannot unmarshal object into Go struct field TransformerConfig.images of type types.FsSlice");
    parse_fails("nameReference:\n- kind: Foo\n  fieldSpecs:\n  - x\n",
                "cannot unmarshal string into Go struct field NameBackReferences.nameReference.fieldSpecs "
                "of type types.FieldSpec");
    parse_fails("- a\n", "cannot unmarshal array into Go value of type builtinconfig.TransformerConfig");
    parse_fails("images: []\nimages: []\n", "c.yaml:2:1:");
}

static void test_specs_are_sorted_by_kind_order(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_tconfig c = parse_ok(a, "images:\n- path: a\n- kind: Zebra\n  path: b\n- kind: Deployment\n"
                               "  path: c\n- kind: Namespace\n  path: d\n"
                               "- kind: ValidatingWebhookConfiguration\n  path: e\n- kind: Apple\n  path: f\n");
    assert_string_equal(describe(a, &c.images),
                        "Namespace:d,Deployment:c,Apple:f,Zebra:b,*:a,ValidatingWebhookConfiguration:e");
    pr_arena_free(a);
}

static void test_merge_drops_covered_specs(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_tconfig empty = {0};
    /* The Foo spec sorts first and covers nothing; the kindless one that
     * follows selects Foo, so it is dropped. */
    pr_tconfig one = parse_ok(a, "namePrefix:\n- path: metadata/name\n- kind: Foo\n  path: metadata/name\n");
    pr_tconfig files = merge_ok(a, &empty, &one);
    assert_string_equal(describe(a, &files.name_prefix), "Foo:metadata/name");
    /* A spec with a kind does not cover a kindless one. */
    pr_tconfig builtin;
    pr_tconfig_builtin(a, &builtin);
    pr_tconfig own = merge_ok(a, &builtin, &files);
    assert_string_equal(describe(a, &own.name_prefix), "Foo:metadata/name,*:metadata/name");
    pr_tconfig accumulated = merge_ok(a, &empty, &own);
    assert_string_equal(describe(a, &accumulated.name_prefix), "Foo:metadata/name");
    pr_arena_free(a);
}

static void test_merge_conflicts_on_create(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_tconfig builtin;
    pr_tconfig_builtin(a, &builtin);
    pr_tconfig user = parse_ok(a, "replicas:\n- path: spec/replicas\n");
    pr_tconfig out;
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_tconfig_merge(a, &builtin, &user, &out, &err));
    assert_string_equal(pr_error_text(&err),
                        "failed to merge Replicas fieldSpec: conflicting fieldspecs "
                        "(Deployment.[noVer].[noGrp]:true:spec/replicas and "
                        "[noKind].[noVer].[noGrp]:false:spec/replicas)");
    pr_error_release(&err);
    /* The same spec with create: true is covered, so dropped. */
    user = parse_ok(a, "replicas:\n- path: spec/replicas\n  create: true\n");
    out = merge_ok(a, &builtin, &user);
    assert_int_equal(out.replicas.len, builtin.replicas.len);
    pr_arena_free(a);
}

static void test_nameref_entries_of_one_kind_merge(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_tconfig builtin;
    pr_tconfig_builtin(a, &builtin);
    pr_tconfig user = parse_ok(a, "nameReference:\n"
                                  "- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n"
                                  "  - kind: Foo\n    path: spec/config\n"
                                  "- kind: ConfigMap\n  fieldSpecs:\n  - kind: Foo\n    path: spec/other\n");
    pr_tconfig out = merge_ok(a, &builtin, &user);
    /* ConfigMap (version v1) gains a field; plain ConfigMap is a new kind. */
    assert_int_equal(out.nameref_len, builtin.nameref_len + 1);
    size_t v1 = SIZE_MAX, any = SIZE_MAX, v1_builtin = SIZE_MAX;
    for (size_t i = 0; i < out.nameref_len; i++) {
        const pr_gvk *g = &out.nameref[i].referral;
        if (g->kind && !strcmp(g->kind, "ConfigMap"))
            *(g->version && *g->version ? &v1 : &any) = i;
    }
    for (size_t i = 0; i < builtin.nameref_len; i++)
        if (!strcmp(builtin.nameref[i].referral.kind, "ConfigMap"))
            v1_builtin = i;
    assert_true(v1 != SIZE_MAX && any != SIZE_MAX && v1_builtin != SIZE_MAX);
    const pr_fieldspec_list *refs = &out.nameref[v1].referrers;
    assert_int_equal(refs->len, builtin.nameref[v1_builtin].referrers.len + 1);
    assert_string_equal(refs->specs[refs->len - 1].path, "spec/config");
    /* The builtin configuration itself is left as it was. */
    pr_tconfig again;
    pr_tconfig_builtin(a, &again);
    assert_int_equal(builtin.nameref[v1_builtin].referrers.len,
                     again.nameref[v1_builtin].referrers.len);
    pr_arena_free(a);
}

static void test_builtin_config_holds_kustomize_lists(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    pr_tconfig c;
    pr_tconfig_builtin(a, &c);
    /* commonLabels: the selectors plus the metadata labels */
    assert_int_equal(c.common_labels.len,
                     pr_fs_common_labels_selectors.len + pr_fs_metadata_labels.len);
    assert_int_equal(c.template_labels.len, pr_fs_metadata_labels.len);
    assert_int_equal(c.labels.len, 0);
    assert_true(c.var_reference.len > 0);
    /* kustomize's own order: Deployment, StatefulSet, ReplicaSet, RC */
    assert_string_equal(describe(a, &c.replicas),
                        "Deployment:spec/replicas,StatefulSet:spec/replicas,"
                        "ReplicaSet:spec/replicas,ReplicationController:spec/replicas");
    /* and the first nameReference entry is StorageClass's */
    assert_string_equal(c.nameref[0].referral.kind, "StorageClass");
    pr_arena_free(a);
}

static void test_fieldspec_list_merge_keeps_order(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    const pr_fieldspec base_rows[] = {{{NULL, NULL, "Zebra"}, "x", true}};
    const pr_fieldspec in_rows[] = {{{NULL, NULL, "Apple"}, "x", true},
                                    {{NULL, NULL, "Zebra"}, "x", true},
                                    {{"g", NULL, "Zebra"}, "x", true}};
    pr_fieldspec_list base = {base_rows, 1}, in = {in_rows, 3}, out;
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_fieldspec_list_merge(a, &base, &in, &out, &err));
    /* Not sorted. The Zebra spec without a group was there already; the one
     * with a group is new, since a spec only covers kinds it selects. */
    assert_string_equal(describe(a, &out), "Zebra:x,Apple:x,Zebra:x");
    assert_string_equal(out.specs[2].gvk.group, "g");
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_merge_adding_nothing_leaves_base_untouched(void **state)
{
    (void)state;
    pr_arena *a = pr_arena_new();
    /* Unsorted, as a nameReference entry's fields may be. */
    pr_fieldspec rows[] = {{{NULL, NULL, "Zebra"}, "x", true},
                           {{NULL, NULL, "Apple"}, "x", true}};
    const pr_fieldspec in_rows[] = {{{NULL, NULL, "Zebra"}, "x", true}};
    pr_tconfig base = {0}, incoming = {0};
    base.images = (pr_fieldspec_list){rows, 2};
    incoming.images = (pr_fieldspec_list){in_rows, 1};
    pr_tconfig out = merge_ok(a, &base, &incoming);
    /* The result is sorted; the base, shared by whoever made it, is not. */
    assert_string_equal(describe(a, &out.images), "Apple:x,Zebra:x");
    assert_string_equal(describe(a, &base.images), "Zebra:x,Apple:x");
    /* A sorted base that gains nothing is the result itself. */
    pr_tconfig again = merge_ok(a, &out, &incoming);
    assert_ptr_equal(again.images.specs, out.images.specs);
    assert_int_equal(again.images.len, 2);
    pr_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_documents_are_empty_configs),
        cmocka_unit_test(test_keys_match_ignoring_case_and_bools_are_yaml_1_1),
        cmocka_unit_test(test_only_the_first_document_is_read),
        cmocka_unit_test(test_decoding_errors_read_like_go),
        cmocka_unit_test(test_specs_are_sorted_by_kind_order),
        cmocka_unit_test(test_merge_drops_covered_specs),
        cmocka_unit_test(test_merge_conflicts_on_create),
        cmocka_unit_test(test_nameref_entries_of_one_kind_merge),
        cmocka_unit_test(test_builtin_config_holds_kustomize_lists),
        cmocka_unit_test(test_merge_adding_nothing_leaves_base_untouched),
        cmocka_unit_test(test_fieldspec_list_merge_keeps_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
