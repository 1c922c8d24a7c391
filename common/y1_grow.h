/* y1_grow.h: the one growth helper for arrays that double their capacity. */
#ifndef Y1_GROW_H
#define Y1_GROW_H

#include <stddef.h>

/* Make the array *pp (elements of elem bytes, capacity *cap) hold at least need elements:
 * capacity doubles from first (or 16 when first is 0) until it suffices. pp is the address of
 * the array pointer (any T **). On success *pp and *cap are updated and Y1_OK is returned; on
 * overflow or allocation failure Y1_ENOMEM, and *pp and *cap are unchanged (still owned by
 * the caller). The caller writes the message, since it knows what was being stored. */
int y1_grow(void *pp, size_t *cap, size_t need, size_t elem, size_t first);

#endif
