/*
 * The first program to copy: check host names against the default DDNS list.
 *
 *   cc quickstart.c $(pkg-config --cflags --libs ddns) -o quickstart && ./quickstart
 */
#include <stdio.h>
#include <string.h>

#include <ddns.h>

static const char *ABUSE[] = {"unknown", "responsive", "slow", "unresponsive"};

int main(void) {
  const char *names[] = {"x7.duckdns.org", "www.example.com", "cam01.ddns.net:8080"};
  ddns_matcher *matcher = NULL;
  size_t i;

  /* Refuse a library built for another ABI. */
  if (ddns_abi_version() != DDNS_ABI_VERSION) {
    fprintf(stderr, "libddns ABI %u, built for %d\n", (unsigned)ddns_abi_version(),
            DDNS_ABI_VERSION);
    return 1;
  }
  if (ddns_matcher_new_default(&matcher) != DDNS_OK) {
    fprintf(stderr, "ddns: %s\n", ddns_last_error());
    return 1;
  }
  for (i = 0; i < sizeof names / sizeof names[0]; i++) {
    ddns_match found;
    ddns_provider provider;
    /* find_host accepts plain names and host:port (HTTP Host, TLS SNI). */
    if (ddns_matcher_find_host(matcher, (const uint8_t *)names[i], strlen(names[i]), &found) !=
        DDNS_OK) {
      continue;
    }
    if (found.verdict == DDNS_VERDICT_BLOCK &&
        ddns_matcher_provider(matcher, found.provider, &provider) == DDNS_OK) {
      printf("%s: %s (%s), abuse %s\n", names[i], provider.name, provider.id,
             ABUSE[found.abuse < 4 ? found.abuse : 0]);
    } else {
      printf("%s: no match\n", names[i]);
    }
  }
  ddns_matcher_free(matcher);
  return 0;
}
