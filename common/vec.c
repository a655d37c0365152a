/*
 * vec.c: growing a malloc'd array one element at a time (vec.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "common/vec.h"

void *
vec_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t ncap;

	if (n < *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 16;
	/* checked here too: sanitizers abort on reallocarray's overflow */
	if (ncap < *cap || size == 0 || ncap > SIZE_MAX / size ||
	    (p = reallocarray(arr, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}
