#ifndef GATEHOUSE_CPCRE2_SHIM_H
#define GATEHOUSE_CPCRE2_SHIM_H

/* Gatehouse uses the 8-bit library only: subjects are UTF-8 bytes. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Macros that Swift cannot import, as inline functions. */
static inline PCRE2_SIZE cpcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
static inline PCRE2_SIZE cpcre2_unset(void) { return PCRE2_UNSET; }

#endif
