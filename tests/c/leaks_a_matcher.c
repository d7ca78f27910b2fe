/* A deliberate leak: the sanitizer test runs this to prove LeakSanitizer sees memory that
 * libddns allocates and the caller never frees. It must fail under ASan. */
#include <stdio.h>
#include <string.h>

#include "ddns.h"

/* Builds a matcher and drops the only pointer to it. */
static unsigned long long build_and_forget(void) {
  static const char list[] = "duckdns.org duckdns\nddns.net noip\n";
  ddns_matcher *volatile matcher = NULL;
  ddns_matcher *built = NULL;
  if (ddns_matcher_from_catalog((const uint8_t *)list, strlen(list), DDNS_CATALOG_LIST, &built) !=
      DDNS_OK)
    return 0;
  matcher = built;
  built = NULL;
  unsigned long long entries = ddns_matcher_entry_count(matcher);
  matcher = NULL; /* never freed */
  return entries;
}

int main(void) {
  unsigned long long total = 0;
  int i;
  for (i = 0; i < 8; i++) total += build_and_forget();
  printf("entries %llu\n", total);
  return 0;
}
