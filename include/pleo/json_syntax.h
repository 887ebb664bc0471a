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

#endif
