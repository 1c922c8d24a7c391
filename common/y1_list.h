/* y1_list.h: a list of names as messages and help texts spell it ("a, b or c"), from a name
 * table or from the YAML files of a data directory (sky maps, pipelines). */
#ifndef Y1_LIST_H
#define Y1_LIST_H

#include <stddef.h>

/* Join count names into out (n bytes, always terminated): ", " between them and last before
 * the final one (" or " gives "a, b or c"; ", " a plain list). A list that does not fit ends
 * at the last whole name that did. */
void y1_list_join(char *out, size_t n, const char *const *names, size_t count, const char *last);

/* The names of the NAME.yaml files in dir (hidden files aside), sorted, joined as
 * y1_list_join does; "" when dir cannot be read or has none. Returns how many there are. */
size_t y1_list_yaml(char *out, size_t n, const char *dir, const char *last);

#endif
