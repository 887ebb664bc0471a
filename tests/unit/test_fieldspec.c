/* Unit tests for the field-spec walker: kind selection, list traversal,
 * creation rules, escaped slashes, and errors on scalars mid-path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/fieldspec.h"
#include "pleo/yaml.h"
#include "unit_support.h"

static bool set_x(pr_arena *a, pr_node **slot, void *ctx, pr_error *err)
{
    (void)err;
    (*(int *)ctx)++;
    *slot = pr_node_str(a, "X");
    return true;
}

static void check_walk(const char *doc, pr_gvk gvk, pr_fieldspec spec,
                       pr_create_kind create, const char *want, int want_visits)
{
    pr_arena *a = pr_arena_new();
    pr_node *obj = ut_parse(a, doc);
    int visits = 0;
    pr_error err;
    pr_error_init(&err);
    assert_true(pr_fieldspec_walk(a, obj, &gvk, &spec, create, set_x, &visits, &err));
    char *got = ut_emit(obj);
    assert_string_equal(got, want);
    assert_int_equal(visits, want_visits);
    free(got);
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_walks_into_lists(void **state)
{
    (void)state;
    pr_gvk dep = {"apps", "v1", "Deployment"};
    pr_fieldspec spec = {{NULL, NULL, "Deployment"}, "spec/containers[]/image", false};
    check_walk("spec:\n  containers:\n  - image: a\n  - name: b\n  - image: c\n", dep, spec,
               PR_CREATE_SCALAR, "spec:\n  containers:\n  - image: X\n  - name: b\n  - image: X\n", 2);
}

static void test_unselected_kind_is_left_alone(void **state)
{
    (void)state;
    pr_gvk svc = {"", "v1", "Service"};
    pr_fieldspec spec = {{NULL, NULL, "Deployment"}, "a", true};
    check_walk("a: b\n", svc, spec, PR_CREATE_SCALAR, "a: b\n", 0);
}

static void test_creates_only_when_spec_and_transformer_allow(void **state)
{
    (void)state;
    pr_gvk any = {"", "v1", "ConfigMap"};
    pr_fieldspec create = {{NULL, NULL, NULL}, "metadata/namespace", true};
    pr_fieldspec keep = {{NULL, NULL, NULL}, "metadata/namespace", false};
    check_walk("kind: ConfigMap\n", any, create, PR_CREATE_SCALAR,
               "kind: ConfigMap\nmetadata:\n  namespace: X\n", 1);
    check_walk("kind: ConfigMap\n", any, keep, PR_CREATE_SCALAR, "kind: ConfigMap\n", 0);
    check_walk("kind: ConfigMap\n", any, create, PR_CREATE_NONE, "kind: ConfigMap\n", 0);
}

static void test_escaped_slash_is_one_key(void **state)
{
    (void)state;
    pr_gvk any = {"", "v1", "Ingress"};
    pr_fieldspec spec = {{NULL, NULL, NULL}, "metadata/annotations/a.io\\/b", false};
    check_walk("metadata:\n  annotations:\n    a.io/b: old\n", any, spec, PR_CREATE_NONE,
               "metadata:\n  annotations:\n    a.io/b: X\n", 1);
}

static void test_null_intermediate_becomes_map_when_creating(void **state)
{
    (void)state;
    pr_gvk any = {"", "v1", "Pod"};
    pr_fieldspec spec = {{NULL, NULL, NULL}, "metadata/labels", true};
    pr_arena *a = pr_arena_new();
    pr_node *obj = ut_parse(a, "metadata:\n  labels:\n");
    int visits = 0;
    assert_true(pr_fieldspec_walk(a, obj, &any, &spec, PR_CREATE_MAP, set_x, &visits, NULL));
    assert_int_equal(visits, 1);
    pr_arena_free(a);
}

static void test_scalar_in_the_middle_is_an_error(void **state)
{
    (void)state;
    pr_gvk any = {"", "v1", "Pod"};
    pr_fieldspec spec = {{NULL, NULL, NULL}, "spec/template/metadata", false};
    pr_arena *a = pr_arena_new();
    pr_node *obj = ut_parse(a, "spec:\n  template: 5\n");
    int visits = 0;
    pr_error err;
    pr_error_init(&err);
    assert_false(pr_fieldspec_walk(a, obj, &any, &spec, PR_CREATE_NONE, set_x, &visits, &err));
    assert_non_null(strstr(pr_error_text(&err), "expected sequence or mapping"));
    pr_error_release(&err);
    pr_arena_free(a);
}

static void test_empty_field_name_is_an_error(void **state)
{
    (void)state;
    /* kustomize: "cannot set or create an empty field name", whether or
     * not the spec creates; unreached empty names are harmless. */
    const char *paths[] = {"", "metadata//name", "spec/x//y"};
    bool fails[] = {true, true, false};
    for (size_t i = 0; i < 3; i++) {
        pr_gvk pod = {"", "v1", "Pod"};
        pr_fieldspec spec = {{NULL, NULL, NULL}, paths[i], false};
        pr_arena *a = pr_arena_new();
        pr_node *obj = ut_parse(a, "metadata:\n  name: p\n");
        int visits = 0;
        pr_error err;
        pr_error_init(&err);
        bool ok = pr_fieldspec_walk(a, obj, &pod, &spec, PR_CREATE_NONE, set_x, &visits, &err);
        assert_int_equal(ok, !fails[i]);
        if (fails[i])
            assert_non_null(strstr(pr_error_text(&err), "cannot set or create an empty field name"));
        pr_error_release(&err);
        pr_arena_free(a);
    }
}

static void test_kind_order(void **state)
{
    (void)state;
    /* Order-first kinds in their order, then the rest by
     * "group_version_kind" (~G, ~V, ~K for empty parts, which sort after
     * letters), then order-last kinds. */
    pr_gvk order[] = {{NULL, NULL, "Namespace"},
                      {NULL, "v1", "ConfigMap"},
                      {NULL, NULL, "ConfigMap"},
                      {"apps", NULL, "Deployment"},
                      {NULL, NULL, "Deployment"},
                      {"batch", NULL, "Job"},
                      {NULL, "v1", "ReplicationController"},
                      {NULL, NULL, "DaemonSet"},
                      {NULL, NULL, NULL},
                      {NULL, NULL, "MutatingWebhookConfiguration"}};
    size_t n = sizeof order / sizeof order[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int c = pr_gvk_compare(&order[i], &order[j]);
            assert_true(i < j ? c < 0 : i > j ? c > 0 : c == 0);
        }
    pr_arena *a = pr_arena_new();
    assert_string_equal(pr_gvk_string(a, &order[5]), "Job.[noVer].batch");
    assert_string_equal(pr_gvk_string(a, &order[8]), "[noKind].[noVer].[noGrp]");
    pr_arena_free(a);
}

static void test_gvk_selection(void **state)
{
    (void)state;
    pr_gvk dep = {"apps", "v1", "Deployment"};
    pr_gvk by_kind = {NULL, NULL, "Deployment"};
    pr_gvk by_group = {"apps", "", NULL};
    pr_gvk wrong = {"batch", NULL, "Deployment"};
    assert_true(pr_gvk_selects(&by_kind, &dep));
    assert_true(pr_gvk_selects(&by_group, &dep));
    assert_false(pr_gvk_selects(&wrong, &dep));
}

static void test_generated_tables_hold_kustomize_specs(void **state)
{
    (void)state;
    bool found = false;
    for (size_t i = 0; i < pr_fs_common_labels_selectors.len; i++) {
        const pr_fieldspec *s = &pr_fs_common_labels_selectors.specs[i];
        if (s->gvk.kind && !strcmp(s->gvk.kind, "Deployment") &&
            !strcmp(s->path, "spec/selector/matchLabels"))
            found = s->create;
    }
    assert_true(found);
    assert_true(pr_nameref_rules_len > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walks_into_lists),
        cmocka_unit_test(test_unselected_kind_is_left_alone),
        cmocka_unit_test(test_creates_only_when_spec_and_transformer_allow),
        cmocka_unit_test(test_escaped_slash_is_one_key),
        cmocka_unit_test(test_null_intermediate_becomes_map_when_creating),
        cmocka_unit_test(test_scalar_in_the_middle_is_an_error),
        cmocka_unit_test(test_empty_field_name_is_an_error),
        cmocka_unit_test(test_kind_order),
        cmocka_unit_test(test_gvk_selection),
        cmocka_unit_test(test_generated_tables_hold_kustomize_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
