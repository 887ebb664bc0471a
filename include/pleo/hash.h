/*
 * kustomize's content hash for generated names: SHA-256 over a canonical
 * JSON encoding of the object's identifying content, first ten hex digits,
 * with a few characters swapped so the suffix never looks like a word.
 */
#ifndef PLEO_HASH_H
#define PLEO_HASH_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/node.h"
#include "pleo/strbuf.h"

/* Hash suffix of a ConfigMap (kind, name, data, binaryData). `out` gets a
 * NUL-terminated 10-character suffix. */
bool pr_hash_configmap(const pr_node *cm, char out[11]);

/* Hash suffix of a Secret (kind, name, type, data, stringData). */
bool pr_hash_secret(const pr_node *secret, char out[11]);

/* Appends `s` as a JSON string the way Go's encoding/json writes it
 * (HTML-safe escapes, invalid UTF-8 as \ufffd). */
void pr_json_append_string(pr_strbuf *out, const char *s, size_t len);

/* Appends `v` as Go's encoding/json marshals what it decoded into
 * interface{}: mappings with sorted keys, scalars by their YAML type
 * (strings quoted, numbers and booleans bare, null as null). */
void pr_json_append_node(pr_strbuf *out, const pr_node *v);

/* kustomize's encoding of a SHA-256 hex digest into a name suffix. */
void pr_hash_encode(const unsigned char digest[32], char out[11]);

#endif
