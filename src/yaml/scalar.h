/*
 * Scalar semantics shared by the reader and the emitter: which plain
 * scalars are numbers, booleans, nulls or timestamps (go-yaml's resolver
 * rules, both the v3 flavour kustomize reads with and the YAML 1.1 v2
 * flavour its output is re-read with), and the canonical text kustomize
 * prints for a non-string value after its JSON round trip.
 */
#ifndef PLEO_YAML_SCALAR_H
#define PLEO_YAML_SCALAR_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/node.h"
#include "pleo/strbuf.h"

/* Appends the text kustomize prints for the non-string scalar `n` (an int,
 * float, bool, null or timestamp) to `out`. Sets *quoted when the result is
 * a string that the emitter must treat as such (timestamps). */
void pr_scalar_canonical(const pr_node *n, pr_strbuf *out, bool *is_string);

/* Appends Go's encoding/json text for a null, bool, int or float scalar.
 * Returns false (appending nothing) for strings, timestamps and values
 * JSON cannot hold. */
bool pr_scalar_json(const pr_node *n, pr_strbuf *out);

/* Appends Go's strconv.FormatFloat(d, 'g', -1, 64), the text YAML writers
 * give a float64 (1.2345678901234567e+19), with .nan/.inf for the
 * specials. */
void pr_format_go_g(double d, pr_strbuf *out);

/* Decodes base64 text (whitespace ignored) onto `out`; false when the text
 * is not base64. */
bool pr_base64_decode(const char *s, size_t len, pr_strbuf *out);

/* Resolves a scalar carrying an explicit tag (`!!int`, `!!str`, ...).
 * Returns false when the text does not fit the tag. */
bool pr_resolve_tagged(const char *tag, const char *s, size_t len,
                       pr_tag *out);

#endif
