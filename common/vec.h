/*
 * vec.h: growing a malloc'd array one element at a time.
 *
 * Every list read from the database or a file grows the same way; one
 * function keeps the doubling and the overflow check in one place.
 */
#ifndef PANTAU_COMMON_VEC_H
#define PANTAU_COMMON_VEC_H

#include <stddef.h>

/*
 * Makes room in 'arr' (of '*cap' elements of 'size' bytes, 'n' in use) for
 * element n: doubles the capacity when full (16 to start).  Returns the
 * array, perhaps moved, or NULL on ENOMEM or overflow with 'arr' and
 * '*cap' unchanged (the caller still owns and frees 'arr').
 */
void *vec_grow(void *arr, size_t *cap, size_t n, size_t size);

#endif
