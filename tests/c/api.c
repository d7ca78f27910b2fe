/*
 * Exercises every function of include/ddns.h and prints what it sees; the test driver
 * (tests/tests/c_programs.rs) compares the output with api.expected exactly. Built as C99
 * and as C++, against the shared and the static library.
 *
 * Usage: api LIST.ddns MISSING-PATH
 *   LIST.ddns is a compiled list of the LIST text below; MISSING-PATH does not exist.
 */
#include <stdio.h>
#include <string.h>

#include "ddns.h"

static const char LIST[] = "duckdns.org duckdns\n!www.duckdns.org duckdns\nddns.net noip\n";

static const uint8_t *bytes(const char *text) { return (const uint8_t *)text; }

static const char *verdict_name(uint32_t verdict) {
  switch (verdict) {
  case DDNS_VERDICT_NONE: return "none";
  case DDNS_VERDICT_BLOCK: return "block";
  case DDNS_VERDICT_ALLOW: return "allow";
  default: return "?";
  }
}

/* Prints one answer: verdict, provider id, base span, labels, flags. */
static void show(const ddns_matcher *matcher, const char *label, ddns_status status,
                 const ddns_match *found) {
  ddns_provider provider;
  if (status != DDNS_OK) {
    printf("%s: status %d (%s)\n", label, (int)status, ddns_status_str(status));
    return;
  }
  if (found->verdict == DDNS_VERDICT_NONE) {
    printf("%s: none flags=%u\n", label, (unsigned)found->flags);
    return;
  }
  if (ddns_matcher_provider(matcher, found->provider, &provider) != DDNS_OK) {
    printf("%s: provider lookup failed\n", label);
    return;
  }
  printf("%s: %s %.*s base=%zu+%zu labels=%u flags=%u abuse=%u\n", label,
         verdict_name(found->verdict), (int)provider.id_len, provider.id, found->base_offset,
         found->base_len, (unsigned)found->sub_labels, (unsigned)found->flags,
         (unsigned)found->abuse);
}

static void find_name(const ddns_matcher *matcher, const char *name) {
  ddns_match found;
  ddns_status status = ddns_matcher_find(matcher, bytes(name), strlen(name), &found);
  show(matcher, name, status, &found);
}

int main(int argc, char **argv) {
  ddns_matcher *defaults = NULL, *mine = NULL, *opened = NULL, *other = NULL, *snapshot = NULL;
  ddns_reloadable *live = NULL;
  ddns_match found, batch[5];
  ddns_name names[5];
  ddns_provider provider;
  ddns_status status;
  static const uint8_t wire[] = {2, 'x', '7', 7, 'd', 'u', 'c', 'k', 'd', 'n', 's', 3, 'o', 'r', 'g', 0};
  static const uint8_t not_utf8[] = {'a', 0xff, '.', 'o', 'r', 'g'};
  static const uint8_t garbage[] = "DDNSLIST but not a list";
  unsigned i;

  if (argc != 3) {
    fprintf(stderr, "usage: api LIST.ddns MISSING-PATH\n");
    return 2;
  }

  printf("abi %u header %d same %d\n", (unsigned)ddns_abi_version(), DDNS_ABI_VERSION,
         ddns_abi_version() == DDNS_ABI_VERSION);
  printf("version %s\n", ddns_version());

  /* The embedded default list. */
  status = ddns_matcher_new_default(&defaults);
  printf("new_default: %s\n", ddns_status_str(status));
  printf("default providers>=60: %s\n", ddns_matcher_provider_count(defaults) >= 60 ? "yes" : "no");
  find_name(defaults, "x7.duckdns.org");
  find_name(defaults, "www.example.com");
  /* A zone's apex: the provider's own name, allowed and flagged. */
  find_name(defaults, "duckdns.org");
  status = ddns_matcher_find(defaults, bytes("duckdns.org"), 11, &found);
  printf("duckdns.org zone apex: %d\n",
         status == DDNS_OK && (found.flags & DDNS_MATCH_ZONE_APEX) != 0);
  /* The class and service status of the provider a match names. */
  status = ddns_matcher_find(defaults, bytes("x7.duckdns.org"), 14, &found);
  if (status == DDNS_OK && ddns_matcher_provider(defaults, found.provider, &provider) == DDNS_OK) {
    printf("x7.duckdns.org provider: free-anonymous %d active %d reserved %llu\n",
           provider.provider_class == DDNS_CLASS_FREE_ANONYMOUS,
           provider.service_status == DDNS_SERVICE_ACTIVE,
           (unsigned long long)provider.reserved[0]);
  }

  /* A list from catalog text: allow entries, case, trailing dot, malformed names. */
  status = ddns_matcher_from_catalog(bytes(LIST), strlen(LIST), DDNS_CATALOG_LIST, &mine);
  printf("from_catalog: %s providers=%u entries=%llu\n", ddns_status_str(status),
         (unsigned)ddns_matcher_provider_count(mine),
         (unsigned long long)ddns_matcher_entry_count(mine));
  printf("verify: %s, default %s, NULL %s\n", ddns_status_str(ddns_matcher_verify(mine)),
         ddns_status_str(ddns_matcher_verify(defaults)), ddns_status_str(ddns_matcher_verify(NULL)));
  find_name(mine, "Cam-01.Home.DuckDNS.org.");
  find_name(mine, "www.duckdns.org");
  find_name(mine, "a.www.duckdns.org");
  find_name(mine, "my_cam.ddns.net");
  find_name(mine, "notduckdns.org");
  find_name(mine, "duckdns.org.evil.com");

  status = ddns_matcher_find_host(mine, bytes("x7.duckdns.org:8443"), 19, &found);
  show(mine, "host x7.duckdns.org:8443", status, &found);
  status = ddns_matcher_find_host(mine, bytes("[2001:db8::1]:443"), 17, &found);
  show(mine, "host [2001:db8::1]:443", status, &found);
  status = ddns_matcher_find_wire(mine, wire, sizeof wire, &found);
  show(mine, "wire x7.duckdns.org", status, &found);

  /* A batch, with an empty and a NULL name among the good ones. */
  names[0].ptr = bytes("a.ddns.net"); names[0].len = 10;
  names[1].ptr = bytes(""); names[1].len = 0;
  names[2].ptr = NULL; names[2].len = 4;
  names[3].ptr = bytes("example.org"); names[3].len = 11;
  names[4].ptr = bytes("b.duckdns.org"); names[4].len = 13;
  status = ddns_matcher_find_batch(mine, names, 5, DDNS_INPUT_NAME, batch);
  printf("batch: %s\n", ddns_status_str(status));
  for (i = 0; i < 5; i++) {
    char label[16];
    snprintf(label, sizeof label, "batch[%u]", i);
    show(mine, label, DDNS_OK, &batch[i]);
  }

  /* Provider details: strings are NUL-terminated and their lengths agree. */
  status = ddns_matcher_provider(mine, 1, &provider);
  printf("provider 1: %s id=%s/%zu name=%s website=\"%s\" country=\"%s\" flags=%u block=%u allow=%u class=%u service=%u\n",
         ddns_status_str(status), provider.id, provider.id_len, provider.name, provider.website,
         provider.country, (unsigned)provider.flags, (unsigned)provider.block_entries,
         (unsigned)provider.allow_entries, (unsigned)provider.provider_class,
         (unsigned)provider.service_status);

  /* A compiled list file, memory-mapped. */
  status = ddns_matcher_open(argv[1], &opened);
  printf("open: %s last_error=\"%s\"\n", ddns_status_str(status), ddns_last_error());
  find_name(opened, "x.ddns.net");

  /* Every error path. Outputs are untouched on failure. */
  other = NULL;
  show(mine, "NULL matcher", ddns_matcher_find(NULL, bytes("a.org"), 5, &found), &found);
  show(mine, "NULL name", ddns_matcher_find(mine, NULL, 5, &found), &found);
  show(mine, "NULL out", ddns_matcher_find(mine, bytes("a.org"), 5, NULL), &found);
  show(mine, "zero length", ddns_matcher_find(mine, bytes("a.org"), 0, &found), &found);
  show(mine, "NULL and zero", ddns_matcher_find(mine, NULL, 0, &found), &found);
  status = ddns_matcher_from_catalog(not_utf8, sizeof not_utf8, DDNS_CATALOG_LIST, &other);
  printf("invalid UTF-8 catalog: %s | %s | out untouched %d\n", ddns_status_str(status),
         ddns_last_error(), other == NULL);
  status = ddns_matcher_from_catalog(bytes("ok.org\nbad..org\n"), 16, DDNS_CATALOG_LIST, &other);
  printf("bad catalog line: %s | %s\n", ddns_status_str(status), ddns_last_error());
  status = ddns_matcher_from_catalog(bytes("a.org x\na.org y\n"), 16, DDNS_CATALOG_LIST, &other);
  printf("conflicting entries: %d | %s\n", (int)status, ddns_last_error());
  status = ddns_matcher_from_catalog(bytes(LIST), strlen(LIST), 99, &other);
  printf("unknown format: %s | %s\n", ddns_status_str(status), ddns_last_error());
  status = ddns_matcher_from_bytes(garbage, sizeof garbage, &other);
  printf("corrupt bytes: %s | %s\n", ddns_status_str(status), ddns_last_error());
  status = ddns_matcher_open(argv[2], &other);
  printf("missing file: %s | mentions path %d\n", ddns_status_str(status),
         strstr(ddns_last_error(), argv[2]) != NULL);
  status = ddns_matcher_open("", &other);
  printf("empty path: %s\n", ddns_status_str(status));
  printf("NULL out: %s\n", ddns_status_str(ddns_matcher_new_default(NULL)));
  printf("provider out of range: %s\n", ddns_status_str(ddns_matcher_provider(mine, 7, &provider)));
  printf("bad batch mode: %s\n", ddns_status_str(ddns_matcher_find_batch(mine, names, 5, 9, batch)));
  printf("counts of NULL: %u %llu %llu\n", (unsigned)ddns_matcher_provider_count(NULL),
         (unsigned long long)ddns_matcher_entry_count(NULL),
         (unsigned long long)ddns_reloadable_generation(NULL));
  printf("status 999: %s\n", ddns_status_str(999));
  printf("still untouched: %d\n", other == NULL);

  /* Reloading: a holder, a snapshot per worker, a replacement. */
  status = ddns_reloadable_new(mine, &live);
  printf("reloadable_new: %s generation=%llu\n", ddns_status_str(status),
         (unsigned long long)ddns_reloadable_generation(live));
  ddns_reloadable_acquire(live, &snapshot);
  find_name(snapshot, "x.ddns.net");
  ddns_matcher_free(snapshot);
  status = ddns_reloadable_replace(live, defaults);
  printf("replace: %s generation=%llu\n", ddns_status_str(status),
         (unsigned long long)ddns_reloadable_generation(live));
  ddns_reloadable_acquire(live, &snapshot);
  find_name(snapshot, "www.duckdns.org.");
  printf("replace NULL: %s\n", ddns_status_str(ddns_reloadable_replace(live, NULL)));

  /* The holder shares lists: freeing the originals first is fine. */
  ddns_matcher_free(mine);
  ddns_matcher_free(defaults);
  ddns_matcher_free(opened);
  ddns_reloadable_free(live);
  find_name(snapshot, "x7.duckdns.org");
  ddns_matcher_free(snapshot);
  ddns_matcher_free(NULL);
  ddns_reloadable_free(NULL);
  printf("done\n");
  return 0;
}
