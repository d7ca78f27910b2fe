/* Includes ddns.h in a second translation unit of one program: the header must hold no
   definitions that clash when linked twice. */
#include "ddns.h"

uint32_t abi_from_unit_a(void) { return ddns_abi_version(); }
