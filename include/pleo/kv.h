/*
 * Key/value sources of configMapGenerator and secretGenerator: `envs`
 * files, `literals` and `files`, read with kustomize's rules. Callers pass
 * file contents in; this module never touches the file system.
 */
#ifndef PLEO_KV_H
#define PLEO_KV_H

#include <stdbool.h>
#include <stddef.h>

#include "pleo/arena.h"
#include "pleo/error.h"

typedef struct {
    const char *key;
    const char *value; /* may contain NULs when read from a file */
    size_t value_len;
} pr_kv;

/* Pairs in source order: env files, then literals, then files. */
typedef struct {
    pr_kv *items;
    size_t len, cap;
} pr_kv_list;

/* Adds `KEY=VALUE` (the value may be wrapped in matching quotes, which
 * are removed). */
bool pr_kv_add_literal(pr_arena *a, pr_kv_list *list, const char *literal,
                       pr_error *err);

/* Adds the `KEY=VALUE` lines of an env file; blank lines and `#` comments
 * are skipped, a line without `=` gives an empty value. */
bool pr_kv_add_env_file(pr_arena *a, pr_kv_list *list, const char *filename,
                        const char *content, size_t len, pr_error *err);

/* Splits a `files` entry into key and path: `key=path`, or `path` whose
 * base name is the key. */
bool pr_kv_parse_file_source(pr_arena *a, const char *source,
                             const char **key, const char **path,
                             pr_error *err);

/* Adds a whole file's content under `key`. */
void pr_kv_add(pr_arena *a, pr_kv_list *list, const char *key,
               const char *value, size_t value_len);

#endif
