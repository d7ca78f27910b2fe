/* The other translation unit; see two_units_a.c. */
#include <stdio.h>

#include "ddns.h"
#include "ddns.h" /* and twice in one unit: the include guard */

uint32_t abi_from_unit_a(void);

int main(void) {
  printf("%u %u\n", (unsigned)abi_from_unit_a(), (unsigned)DDNS_ABI_VERSION);
  return abi_from_unit_a() == DDNS_ABI_VERSION ? 0 : 1;
}
