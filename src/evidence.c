/*
 * evidence.c - small helpers for evidence records.
 */
#include "evidence.h"

#include <string.h>

void evidence_set(char *field, size_t size, const char *value)
{
    if (!size)
        return;
    if (!value)
        value = "";
    size_t n = strlen(value);
    if (n >= size)
        n = size - 1;
    memcpy(field, value, n);
    field[n] = '\0';
}
