/* Helpers shared by the cmocka unit tests. Include after <cmocka.h>. */
#ifndef PLEO_TESTS_UNIT_SUPPORT_H
#define PLEO_TESTS_UNIT_SUPPORT_H

#include <string.h>

#include "pleo/yaml.h"

/* Parses `text` (file name "t.yaml") into `a` and returns its first
 * document; fails the test with the parser's message when it is not YAML. */
static inline pr_node *ut_parse(pr_arena *a, const char *text)
{
    pr_doclist docs = {0};
    pr_error err;
    pr_error_init(&err);
    if (!pr_yaml_parse(a, "t.yaml", text, strlen(text), &docs, &err))
        fail_msg("%s", pr_error_text(&err));
    pr_error_release(&err);
    return docs.docs[0];
}

/* Emits `n` as kustomize would print it; the caller frees the result. */
static inline char *ut_emit(const pr_node *n)
{
    pr_strbuf out;
    pr_sb_init(&out);
    assert_true(pr_yaml_emit(n, &out, NULL));
    return pr_sb_detach(&out, NULL);
}

/* Fails the test unless `n` emits exactly `want`. */
static inline void ut_assert_emits(const pr_node *n, const char *want)
{
    char *got = ut_emit(n);
    assert_string_equal(got, want);
    free(got);
}

#endif
