/*
 * Calls the library from a pthread key destructor, which glibc runs after the exiting
 * thread's own storage (the library's last-error message among it) is gone. Every call must
 * still work, keep no message, and neither panic nor print: the program prints each call's
 * status name and what ddns_last_error() gives, and the test driver compares its stdout and
 * checks that stderr is empty.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ddns.h"

static pthread_key_t key;
static char report[1024];

static const char *name(ddns_status status) {
  switch (status) {
    case DDNS_OK: return "ok";
    case DDNS_ERR_IO: return "io";
    case DDNS_ERR_CORRUPT_LIST: return "corrupt-list";
    case DDNS_ERR_CATALOG: return "catalog";
    case DDNS_ERR_PANIC: return "PANIC";
    default: return "other";
  }
}

static void note(const char *call, ddns_status status) {
  const char *message = ddns_last_error();
  size_t used = strlen(report);
  snprintf(report + used, sizeof report - used, "%s: %s, last error \"%s\"\n", call,
           name(status), message == NULL ? "(NULL)" : message);
}

static void at_thread_exit(void *value) {
  static const uint8_t garbage[] = "not a list";
  static const char catalog[] = "duckdns.org duckdns\n";
  static const char bad_catalog[] = "a..b\n";
  ddns_matcher *m = NULL;
  (void)value;
  note("new_default", ddns_matcher_new_default(&m));
  note("verify", ddns_matcher_verify(m));
  ddns_matcher_free(m);
  m = NULL;
  note("open", ddns_matcher_open("/nonexistent/list.ddns", &m));
  note("from_bytes", ddns_matcher_from_bytes(garbage, sizeof garbage - 1, &m));
  note("from_catalog", ddns_matcher_from_catalog((const uint8_t *)catalog, strlen(catalog),
                                                 DDNS_CATALOG_LIST, &m));
  ddns_matcher_free(m);
  m = NULL;
  note("from_catalog (bad)",
       ddns_matcher_from_catalog((const uint8_t *)bad_catalog, strlen(bad_catalog),
                                 DDNS_CATALOG_LIST, &m));
}

static void *thread(void *arg) {
  ddns_matcher *m = NULL;
  (void)arg;
  /* A failure first, so that this thread holds a message when it exits. */
  if (ddns_matcher_open("/nonexistent/list.ddns", &m) != DDNS_ERR_IO) return (void *)1;
  if (ddns_last_error()[0] == '\0') return (void *)1;
  pthread_setspecific(key, &key);
  return NULL;
}

int main(void) {
  pthread_t worker;
  void *result = NULL;
  if (pthread_key_create(&key, at_thread_exit) != 0) return 1;
  if (pthread_create(&worker, NULL, thread, NULL) != 0) return 1;
  if (pthread_join(worker, &result) != 0 || result != NULL) return 1;
  fputs(report, stdout);
  return 0;
}
