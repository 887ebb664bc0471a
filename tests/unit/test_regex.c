/* Unit tests for Go-syntax regular expressions (pr_regex_*). What each
 * pattern must do (match, not match, or be rejected with Go's message)
 * was asked of kubectl kustomize v5.5 through patch targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pleo/regex.h"

/* Whole-value match, anchored as kustomize anchors target fields. */
static void expect(const char *pattern, const char *subject, bool want)
{
    pr_error err;
    pr_error_init(&err);
    size_t n = strlen(pattern) + 8;
    char *anchored = malloc(n);
    snprintf(anchored, n, "^(?:%s)$", pattern);
    pr_regex *re = pr_regex_compile(anchored, &err);
    if (!re)
        fail_msg("%s: %s", pattern, pr_error_text(&err));
    bool matched;
    assert_true(pr_regex_match(re, subject, strlen(subject), &matched, &err));
    if (matched != want)
        fail_msg("%s on %s: %s", pattern, subject, matched ? "matched" : "did not match");
    pr_regex_free(re);
    free(anchored);
    pr_error_release(&err);
}

static void rejects(const char *pattern, const char *message)
{
    pr_error err;
    pr_error_init(&err);
    pr_regex *re = pr_regex_compile(pattern, &err);
    if (re)
        fail_msg("%s was accepted", pattern);
    if (!strstr(pr_error_text(&err), message))
        fail_msg("%s: '%s' lacks '%s'", pattern, pr_error_text(&err), message);
    pr_error_release(&err);
}

static void test_go_syntax_that_posix_lacks(void **state)
{
    (void)state;
    expect("(?i)deployment", "Deployment", true);
    expect("Deploy(?i)MENT", "Deployment", true);
    expect("(?i:D)eployment", "deployment", true);
    expect("Dep(?:loy)ment", "Deployment", true);
    expect("Dep(?P<x>loy)ment", "Deployment", true);
    expect("Dep(?<x>loy)ment", "Deployment", true);
    expect("Deplo\\d*yment", "Deployment", true);
    expect("web-\\d+", "web-12", true);
    expect("web-\\d+", "web-x", false);
    /* Go repeats anchors, which PCRE2 refuses (kustomize's image name `*`
     * becomes "^*..."): they compile and match as Go's do */
    expect("^*(:x)?", ":x", true);
    expect("^*web", "web", true);
    expect("^+web", "web", true);
    expect("^?web$*", "web", true);
    expect("Deploy\\Qment\\E", "Deployment", true);
    expect("a\\Q.*\\E", "a.*", true);
    expect("a\\Q.*\\E", "abc", false);
    expect("Deploymen\\x74", "Deployment", true);
    expect("Deploymen\\x{74}", "Deployment", true);
    expect("Deploymen\\164", "Deployment", true);
    expect("[[:word:]]eployment", "Deployment", true);
    expect("\\pLeployment", "Deployment", true);
    expect("\\p{Greek}eployment", "Deployment", false);
    expect("Deploymen*?t", "Deployment", true);
    expect("Deploy{,2}ment", "Deploy{,2}ment", true);
    expect("Deploy{01}ment", "Deploy{01}ment", true);
}

static void test_go_meanings_that_pcre_differs_on(void **state)
{
    (void)state;
    expect("a\\vb", "a\vb", true);
    expect("a\\vb", "a\nb", false); /* PCRE2's \v would match */
    expect("a\\sb", "a\vb", false); /* Go's \s leaves \v out */
    expect("a\\sb", "a b", true);
    expect("a[\\s]b", "a\tb", true);
    expect("a\\Sb", "axb", true);
    expect("a[\\S]b", "a b", false);
    expect("web$", "web\n", false); /* $ is the end of text only */
    expect("x)|(y", "x", true);     /* pasted between ^(?: and )$ as Go does */
    expect("x)|(y", "y", true);
}

static void test_repetition_limits(void **state)
{
    (void)state;
    expect("((a){10}){100}", "a", false);
    expect("((a)*){1000}", "a", true);
    expect("(a{400}b{400}){2}", "ab", false);
    rejects("((a){11}){100}", "invalid repeat count: `{100}`");
    rejects("((a){2,}){600}", "invalid repeat count: `{600}`");
    rejects("((a){0,3}){334}", "invalid repeat count: `{334}`");
    rejects("(a{600}b{600}){2}", "invalid repeat count: `{2}`");
    rejects("(a{600}|b{600}){2}", "invalid repeat count: `{2}`");
    rejects("a{1001}", "invalid repeat count: `{1001}`");
    rejects("a{1000,1001}", "invalid repeat count: `{1000,1001}`");
    rejects("a{5,3}", "invalid repeat count: `{5,3}`");
    rejects("a++", "invalid nested repetition operator: `++`");
    rejects("a**", "invalid nested repetition operator: `**`");
    rejects("a*??", "invalid nested repetition operator: `*??`");
    rejects("a{1}{1}", "invalid nested repetition operator: `{1}{1}`");
    rejects("a{2}*", "invalid nested repetition operator: `{2}*`");
    rejects("a*{2}", "invalid nested repetition operator: `*{2}`");
    rejects("*a", "missing argument to repetition operator: `*`");
    rejects("(?i)*", "missing argument to repetition operator: `*`");
}

static void test_perl_syntax_go_rejects(void **state)
{
    (void)state;
    rejects("a(?=b)", "invalid or unsupported Perl syntax: `(?=`");
    rejects("(?>a)", "invalid or unsupported Perl syntax: `(?>`");
    rejects("(?#c)a", "invalid or unsupported Perl syntax: `(?#`");
    rejects("(?x)a", "invalid or unsupported Perl syntax: `(?x`");
    rejects("(?i-)a", "invalid or unsupported Perl syntax");
    rejects("(a)\\1", "invalid escape sequence: `\\1`");
    rejects("a\\Z", "invalid escape sequence: `\\Z`");
    rejects("a\\h", "invalid escape sequence: `\\h`");
    rejects("a\\K", "invalid escape sequence: `\\K`");
    rejects("a\\C", "invalid escape sequence: `\\C`");
    rejects("a\\e", "invalid escape sequence: `\\e`");
    rejects("a\\", "trailing backslash");
    rejects("(a", "missing closing )");
    rejects("a)", "unexpected )");
    rejects("[a", "missing closing ]");
    rejects("[[:foo:]]", "invalid character class range");
}

/* glibc's regcomp allocated without bound on these (found by fuzz_build). */
static void test_hostile_patterns_stay_small(void **state)
{
    (void)state;
    char plus[300] = "Deploymen";
    memset(plus + 9, '+', 250);
    strcpy(plus + 259, "t");
    rejects(plus, "invalid nested repetition operator: `++`");
    rejects("(((a){100}){100}){100}", "invalid repeat count: `{100}`");
    char deep[2100];
    memset(deep, '(', 1001);
    memset(deep + 1001, ')', 1001);
    deep[2002] = '\0';
    rejects(deep, "expression nests too deeply");
    expect("(x+x+)+y", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_go_syntax_that_posix_lacks),
        cmocka_unit_test(test_go_meanings_that_pcre_differs_on),
        cmocka_unit_test(test_repetition_limits),
        cmocka_unit_test(test_perl_syntax_go_rejects),
        cmocka_unit_test(test_hostile_patterns_stay_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
