/*
 * UTF-8 decoding with Go's validity rules (no overlong forms, no
 * surrogates, nothing above U+10FFFF), which decide what kustomize treats
 * as text and what it replaces or base64-encodes.
 */
#ifndef PLEO_UTF8_H
#define PLEO_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence starting at s[i] (storing its code
 * point in *cp when cp is not NULL), or 0 when the bytes there are not
 * valid UTF-8. */
size_t pr_utf8_decode(const char *s, size_t n, size_t i, uint32_t *cp);

/* True when all `n` bytes are valid UTF-8. */
bool pr_utf8_valid(const char *s, size_t n);

/* True for the code points Go's unicode.IsSpace accepts: ASCII white
 * space, U+0085, U+00A0 and the other Unicode White_Space characters. */
bool pr_go_is_space(uint32_t cp);

/* Go's strings.TrimSpace on `n` bytes of `s`: stores in *from and *to the
 * bounds of what is left after leading and trailing pr_go_is_space
 * characters are cut (invalid UTF-8 is never cut). Nothing is copied. */
void pr_go_trim_space(const char *s, size_t n, size_t *from, size_t *to);

#endif
