/*
 * Strict JSON syntax (RFC 8259, as Go's encoding/json accepts it), for the
 * places where kustomize reads text as JSON rather than YAML.
 */
#ifndef PLEO_JSON_SYNTAX_H
#define PLEO_JSON_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0, len) is exactly one JSON value, with only JSON white
 * space (space, tab, line feed, carriage return) around it. */
bool pr_json_syntax_valid(const char *s, size_t len);

/* Rewrites, in place, the escapes of valid JSON text (it must pass
 * pr_json_syntax_valid) that a YAML reader reads otherwise than Go's JSON
 * decoder: `\/` becomes '/', a UTF-16 surrogate pair `\uD83D\uDE80`
 * becomes `\U0001F680`, and a lone surrogate `\uFFFD` (the replacement
 * character, as Go decodes it). Returns the new length. */
size_t pr_json_escapes_for_yaml(char *s, size_t len);

#endif
