/* Tables derived from the Kubernetes OpenAPI document (see
 * tools/gen-openapi-tables.py). */
#ifndef PLEO_KUST_OPENAPI_TABLES_H
#define PLEO_KUST_OPENAPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *api_version;
    const char *kind;
} pr_type_ref;

/* Cluster-scoped types, sorted by apiVersion then kind (strcmp order). */
extern const pr_type_ref pr_cluster_scoped_types[];
extern const size_t pr_cluster_scoped_types_len;

/* The strategic-merge schema. A schema is a definition or a schema written
 * inline in a property; references are already resolved, so indexes point
 * at the schema actually used. */

/* Flags: the schema's type is array; its patch strategy includes merge,
 * replace or retainKeys. */
enum {
    PR_SMP_ARRAY = 1,
    PR_SMP_MERGE = 2,
    PR_SMP_REPLACE = 4,
    PR_SMP_RETAIN_KEYS = 8,
};

typedef struct {
    const char *name;
    uint16_t schema; /* index in pr_smp_schemas */
} pr_smp_prop;

typedef struct {
    uint16_t props, nprops; /* run in pr_smp_props, sorted by name */
    int16_t items;          /* element schema of an array, or -1 */
    int16_t additional;     /* value schema of a map-typed object, or -1 */
    uint8_t flags;
    uint16_t keys;          /* run in pr_smp_keys: the list's merge keys */
    uint8_t nkeys;
} pr_smp_schema;

typedef struct {
    const char *api_version;
    const char *kind;
    uint16_t schema;
} pr_smp_type;

extern const pr_smp_prop pr_smp_props[];
extern const char *const pr_smp_keys[];
extern const pr_smp_schema pr_smp_schemas[];
extern const size_t pr_smp_schemas_len;

/* Root schema of every kind the document declares, sorted by apiVersion
 * then kind (strcmp order). */
extern const pr_smp_type pr_smp_types[];
extern const size_t pr_smp_types_len;

/* A schema merges consult (pleo/smp.h's pr_openapi): the generated tables
 * above, or tables of the same shape built from a custom document. */
struct pr_openapi {
    const pr_smp_prop *props;
    const char *const *keys;
    const pr_smp_schema *schemas;
    const pr_smp_type *types; /* sorted by apiVersion, then kind */
    size_t ntypes;
};

#endif
