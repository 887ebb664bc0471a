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

/* Rewrites the escape `\/` (JSON's optional escape for '/') inside the
 * strings of valid JSON text as a plain '/', which YAML readers reject as
 * an escape; returns the new length. The text must pass
 * pr_json_syntax_valid. */
size_t pr_json_drop_solidus_escapes(char *s, size_t len);

#endif
