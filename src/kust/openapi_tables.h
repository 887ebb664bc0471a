/* Tables derived from the Kubernetes OpenAPI document (see
 * tools/gen-openapi-tables.py). */
#ifndef PLEO_KUST_OPENAPI_TABLES_H
#define PLEO_KUST_OPENAPI_TABLES_H

#include <stddef.h>

typedef struct {
    const char *api_version;
    const char *kind;
} pr_type_ref;

/* Cluster-scoped types, sorted by apiVersion then kind (strcmp order). */
extern const pr_type_ref pr_cluster_scoped_types[];
extern const size_t pr_cluster_scoped_types_len;

#endif
