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

#endif
