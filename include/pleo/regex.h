/*
 * Regular expressions as kustomize reads them: Go's regexp syntax (RE2),
 * checked by Go's rules (no back-references or look-around, repetition
 * counts of at most 1000 however nested, no repetition of a repetition),
 * then run by PCRE2 with bounded time and memory. glibc's POSIX matcher
 * is not used: its dialect differs (no `(?i)`, `(?:`, `\d`), and a short
 * pattern such as `a++++…` makes it allocate without bound.
 */
#ifndef PLEO_REGEX_H
#define PLEO_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/error.h"

typedef struct pr_regex pr_regex;

/* Compiles `pattern` in Go syntax. On a pattern Go rejects, the message
 * is Go's ("error parsing regexp: ..."). Free with pr_regex_free. */
pr_regex *pr_regex_compile(const char *pattern, pr_error *err);

/* Whether `re` matches somewhere in `s` (anchors are the pattern's). A
 * match that exceeds PCRE2's work limits is an error. */
bool pr_regex_match(const pr_regex *re, const char *s, size_t len, bool *matched,
                    pr_error *err);

/* Releases `re` (NULL is fine). */
void pr_regex_free(pr_regex *re);

#endif
